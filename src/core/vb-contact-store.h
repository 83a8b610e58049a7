/* vb-contact-store.h: the contact log (klantcontacten), durable and private
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
  VB_CONTACT_ERROR_OPEN,
  VB_CONTACT_ERROR_WRITE,      /* includes a full disk and a read-only database */
  VB_CONTACT_ERROR_NOT_FOUND,
  VB_CONTACT_ERROR_INVALID,    /* a field too long, an unknown outcome, a finished contact without an outcome */
} VbContactError;

/* Field limits, as in the Klantinteracties API (onderwerp 200, inhoud 1000). */
#define VB_CONTACT_SUBJECT_MAX 180
#define VB_CONTACT_NOTES_MAX 1000

typedef enum
{
  VB_CONTACT_OPEN,       /* being logged (a draft) */
  VB_CONTACT_FINISHED,
  VB_CONTACT_DELETED,    /* kept as a tombstone for sync and statistics exclusion */
} VbContactStatus;

/* One question within a contact. Plain struct, owned by its VbContact. */
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
  char   *preferred_time; /* free text such as "morgen na 14.00" */
  char   *note;           /* personal */
  char   *afdeling;
  char   *status;         /* "open" or "done" */
  char   *closed_by;
  gint64  closed_at;      /* Unix time, UTC; 0 while open */
} VbCallback;

#define VB_TYPE_CONTACT (vb_contact_get_type ())
G_DECLARE_FINAL_TYPE (VbContact, vb_contact, VB, CONTACT, GObject)

/* A contact in memory: what the panel edits, what a draft saves, what the outbox uploads. */
VbContact         *vb_contact_new              (const char        *channel,
                                                const char        *agent);
const char        *vb_contact_get_uuid         (VbContact         *self);
int                vb_contact_get_revision     (VbContact         *self);
VbContactStatus    vb_contact_get_status       (VbContact         *self);
const char        *vb_contact_get_channel      (VbContact         *self);
void               vb_contact_set_channel      (VbContact         *self,
                                                const char        *channel);
gint64             vb_contact_get_started      (VbContact         *self);   /* Unix time, UTC */
gint64             vb_contact_get_ended        (VbContact         *self);   /* 0 while open */
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
void               vb_contact_add_consulted    (VbContact         *self,
                                                const char        *item_id);
GStrv              vb_contact_dup_consulted    (VbContact         *self);
VbCallback        *vb_contact_get_callback     (VbContact         *self);  /* NULL when none */
VbCallback        *vb_contact_ensure_callback  (VbContact         *self);
JsonNode          *vb_contact_to_json          (VbContact         *self);  /* the upload shape */
VbContact         *vb_contact_new_from_json    (JsonNode          *node,
                                                GError           **error);

/* The elfproef: TRUE when @text contains a 9-digit number that passes it (a possible BSN). */
gboolean           vb_text_has_bsn             (const char        *text);
/* A search query with digit runs of six or more, e-mail addresses and phone numbers replaced
 * by placeholders, for the anonymous search log. */
char              *vb_redact_query             (const char        *query);

#define VB_TYPE_CONTACT_STORE (vb_contact_store_get_type ())
G_DECLARE_FINAL_TYPE (VbContactStore, vb_contact_store, VB, CONTACT_STORE, GObject)

GQuark          vb_contact_error_quark            (void);
VbContactStore *vb_contact_store_open             (const char      *path,
                                                   GError         **error);
/* Each call is one transaction with synchronous=FULL. */
gboolean        vb_contact_store_save_draft       (VbContactStore  *self,
                                                   VbContact       *contact,
                                                   GError         **error);
gboolean        vb_contact_store_finish           (VbContactStore  *self,
                                                   VbContact       *contact,
                                                   GError         **error);
gboolean        vb_contact_store_correct          (VbContactStore  *self,
                                                   VbContact       *contact,
                                                   GError         **error);
gboolean        vb_contact_store_delete           (VbContactStore  *self,
                                                   const char      *uuid,
                                                   const char      *agent,
                                                   GError         **error);
VbContact      *vb_contact_store_get              (VbContactStore  *self,
                                                   const char      *uuid,
                                                   GError         **error);
GPtrArray      *vb_contact_store_list_drafts      (VbContactStore  *self,
                                                   GError         **error);
GPtrArray      *vb_contact_store_list_finished    (VbContactStore  *self,
                                                   gint64           from,
                                                   gint64           to,
                                                   GError         **error);
GPtrArray      *vb_contact_store_list_callbacks   (VbContactStore  *self,
                                                   gboolean         only_open,
                                                   GError         **error);
gboolean        vb_contact_store_close_callback   (VbContactStore  *self,
                                                   const char      *callback_uuid,
                                                   const char      *agent,
                                                   GError         **error);
guint           vb_contact_store_purge            (VbContactStore  *self,
                                                   guint            retention_days,
                                                   gint64           now,
                                                   GError         **error);
gboolean        vb_contact_store_log_search       (VbContactStore  *self,
                                                   const char      *query,
                                                   guint            n_results,
                                                   const char      *opened_item,
                                                   GError         **error);
gboolean        vb_contact_store_mark_search_used (VbContactStore  *self,
                                                   const char      *item_id,
                                                   GError         **error);
gboolean        vb_contact_store_export           (VbContactStore  *self,
                                                   gint64           from,
                                                   gint64           to,
                                                   gboolean         json,
                                                   GOutputStream   *out,
                                                   GError         **error);
gint64          vb_contact_store_outbox_size      (VbContactStore  *self);

char           *vb_default_contacts_db_path       (void);

G_END_DECLS
