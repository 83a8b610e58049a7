/* vb-contact.h: one contact (klantcontact) in memory, and the privacy text helpers
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define VB_CONTACT_ERROR (vb_contact_error_quark ())

typedef enum
{
  VB_CONTACT_ERROR_OPEN,       /* includes a schema newer than this program */
  VB_CONTACT_ERROR_WRITE,      /* includes a full disk and a read-only database */
  VB_CONTACT_ERROR_NOT_FOUND,
  VB_CONTACT_ERROR_INVALID,    /* a field too long, an unknown outcome, a finished contact without an outcome */
} VbContactError;

/* Field limits. The Klantinteracties API allows onderwerp 200 and inhoud 1000 characters;
 * free-text subjects are kept to 180 so a prefix still fits. Characters, not bytes. */
#define VB_CONTACT_SUBJECT_MAX 180
#define VB_CONTACT_TITLE_MAX 200    /* a used item's title is cut to this (onderwerp) */
#define VB_CONTACT_NOTES_MAX 1000
#define VB_CONTACT_CHANNEL_MAX 50   /* kanaal */

/* The outcome (gespreksresultaat) code that requires a callback with a phone number. */
#define VB_CONTACT_OUTCOME_CALLBACK "terugbelverzoek"

typedef enum
{
  VB_CONTACT_OPEN,       /* being logged (a draft) */
  VB_CONTACT_FINISHED,
  VB_CONTACT_DELETED,    /* kept as a tombstone for sync and statistics exclusion */
} VbContactStatus;

/* One question within a contact. Plain struct, owned by its VbContact; set the strings with
 * the setters below (or g_free + g_strdup). */
typedef struct
{
  char *item_id;          /* the VAC or product used, or NULL */
  char *section;          /* a product section field ("kostenEnBetaalmethoden") or NULL */
  char *subject_text;     /* free text (<= 180 chars) when nothing fitted, or the used item's title */
  char *outcome;          /* gespreksresultaat code, NULL until chosen */
  char *afdeling;         /* department it was handled for, or NULL */
} VbContactQuestion;

/* A callback request (terugbelverzoek, an interne taak in Klantinteracties). */
typedef struct
{
  char   *uuid;
  char   *name;           /* personal: erased after the retention period */
  char   *phone;          /* personal */
  char   *preferred_time; /* free text such as "morgen na 14.00"; treated as personal */
  char   *note;           /* personal */
  char   *afdeling;
  char   *status;         /* "open" or "done" */
  char   *closed_by;
  gint64  closed_at;      /* Unix time, UTC; 0 while open */
  char   *contact_uuid;   /* the contact it came from (filled by the store) */
  gint64  created;        /* Unix time, UTC, when its contact was finished; 0 before */
} VbCallback;

#define VB_TYPE_CALLBACK (vb_callback_get_type ())
GType       vb_callback_get_type           (void) G_GNUC_CONST;
VbCallback *vb_callback_new                (void);
VbCallback *vb_callback_copy               (const VbCallback  *callback);
void        vb_callback_free               (VbCallback        *callback);
void        vb_callback_set_name           (VbCallback        *callback,
                                            const char        *name);
void        vb_callback_set_phone          (VbCallback        *callback,
                                            const char        *phone);
void        vb_callback_set_preferred_time (VbCallback        *callback,
                                            const char        *preferred_time);
void        vb_callback_set_note           (VbCallback        *callback,
                                            const char        *note);
void        vb_callback_set_afdeling       (VbCallback        *callback,
                                            const char        *afdeling);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VbCallback, vb_callback_free)

#define VB_TYPE_CONTACT (vb_contact_get_type ())
G_DECLARE_FINAL_TYPE (VbContact, vb_contact, VB, CONTACT, GObject)

GQuark             vb_contact_error_quark      (void);

/* A contact in memory: what the panel edits, what a draft saves, what the outbox uploads.
 * Not thread-safe: edit it on one thread (the async store calls take a snapshot). */
VbContact         *vb_contact_new              (const char        *channel,
                                                const char        *agent);
VbContact         *vb_contact_copy             (VbContact         *self);
const char        *vb_contact_get_uuid         (VbContact         *self);
int                vb_contact_get_revision     (VbContact         *self);
VbContactStatus    vb_contact_get_status       (VbContact         *self);
const char        *vb_contact_status_to_string (VbContactStatus    status);
gboolean           vb_contact_is_purged        (VbContact         *self);
const char        *vb_contact_get_agent        (VbContact         *self);
void               vb_contact_set_agent        (VbContact         *self,
                                                const char        *agent);
const char        *vb_contact_get_channel      (VbContact         *self);
void               vb_contact_set_channel      (VbContact         *self,
                                                const char        *channel);
gint64             vb_contact_get_started      (VbContact         *self);   /* Unix time, UTC */
void               vb_contact_set_started      (VbContact         *self,
                                                gint64             started);
gint64             vb_contact_get_ended        (VbContact         *self);   /* 0 while open */
void               vb_contact_set_ended        (VbContact         *self,
                                                gint64             ended);  /* 0: when finished */
gint64             vb_contact_get_duration     (VbContact         *self);   /* seconds */
const char        *vb_contact_get_caller_name  (VbContact         *self);
void               vb_contact_set_caller_name  (VbContact         *self,
                                                const char        *name);
const char        *vb_contact_get_caller_phone (VbContact         *self);
void               vb_contact_set_caller_phone (VbContact         *self,
                                                const char        *phone);
const char        *vb_contact_get_notes        (VbContact         *self);
void               vb_contact_set_notes        (VbContact         *self,
                                                const char        *notes);
guint              vb_contact_get_n_questions  (VbContact         *self);
VbContactQuestion *vb_contact_get_question     (VbContact         *self,
                                                guint              index);
VbContactQuestion *vb_contact_add_question     (VbContact         *self);
void               vb_contact_remove_question  (VbContact         *self,
                                                guint              index);
void               vb_contact_question_set_used (VbContactQuestion *question,
                                                 const char        *item_id,
                                                 const char        *section,
                                                 const char        *title);
void               vb_contact_question_set_subject (VbContactQuestion *question,
                                                    const char        *text);
void               vb_contact_question_set_outcome (VbContactQuestion *question,
                                                    const char        *outcome);
void               vb_contact_question_set_afdeling (VbContactQuestion *question,
                                                     const char        *afdeling);
void               vb_contact_add_consulted    (VbContact         *self,
                                                const char        *item_id);
GStrv              vb_contact_dup_consulted    (VbContact         *self);
VbCallback        *vb_contact_get_callback     (VbContact         *self);  /* NULL when none */
VbCallback        *vb_contact_ensure_callback  (VbContact         *self);
void               vb_contact_clear_callback   (VbContact         *self);
void               vb_contact_set_callback     (VbContact         *self,
                                                const VbCallback  *callback);  /* a copy */
gboolean           vb_contact_validate         (VbContact         *self,
                                                GError           **error);
JsonNode          *vb_contact_to_json          (VbContact         *self);  /* the upload shape */
JsonNode          *vb_contact_to_json_anonymous (VbContact        *self); /* no personal fields */
VbContact         *vb_contact_new_from_json    (JsonNode          *node,
                                                GError           **error);

/* For the store and the sync: a contact as stored, with its own UUID and state. */
VbContact         *vb_contact_new_with_uuid    (const char        *uuid,
                                                const char        *channel,
                                                const char        *agent);
void               vb_contact_set_state        (VbContact         *self,
                                                VbContactStatus    status,
                                                int                revision,
                                                gboolean           purged);

/* The elfproef: TRUE when @text contains a 9-digit number that passes it (a possible BSN).
 * The digits may be written in groups separated by single dots or spaces (123.456.782,
 * 1234 56 782); a run of more than 9 digits is never a BSN. */
gboolean           vb_text_has_bsn             (const char        *text);
/* A search query (or free text) with e-mail addresses, phone numbers and digit runs of six or
 * more replaced by "[e-mail]", "[telefoon]" and "[nummer]", for the anonymous search log. */
char              *vb_redact_query             (const char        *query);

/* The municipality's time zone (Europe/Amsterdam), for dates on the command line and in
 * exports. Unref with g_time_zone_unref. */
GTimeZone         *vb_contact_dup_time_zone    (void);
/* Inclusive local dates (YYYY-MM-DD, Europe/Amsterdam) to a half-open range of Unix times:
 * from local midnight of @from_date to local midnight after @to_date. */
gboolean           vb_contact_parse_date_range (const char        *from_date,
                                                const char        *to_date,
                                                gint64            *from,
                                                gint64            *to,
                                                GError           **error);

G_END_DECLS
