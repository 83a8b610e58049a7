/* vb-contact.c: one contact (klantcontact) in memory, and the privacy text helpers
 *
 * A VbContact is what the contact panel edits, what a draft saves and what the outbox
 * uploads. Its JSON form uses the vocabulary of the Klantinteracties API (kanaal,
 * plaatsgevondenOp, onderwerp, inhoud; a callback is an interne taak). It has no BSN field,
 * by design.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <stdlib.h>
#include <string.h>

#include "vb-contact.h"

struct _VbContact
{
  GObject          parent_instance;

  char            *uuid;
  int              revision;
  VbContactStatus  status;
  gboolean         purged;
  char            *agent;
  char            *channel;
  gint64           started;
  gint64           ended;
  char            *caller_name;
  char            *caller_phone;
  char            *notes;
  GPtrArray       *questions;   /* VbContactQuestion */
  GPtrArray       *consulted;   /* char*, unique, in order of first use */
  VbCallback      *callback;
};

G_DEFINE_FINAL_TYPE (VbContact, vb_contact, G_TYPE_OBJECT)
G_DEFINE_QUARK (vb-contact-error-quark, vb_contact_error)
G_DEFINE_BOXED_TYPE (VbCallback, vb_callback, vb_callback_copy, vb_callback_free)

static void
set_string (char       **field,
            const char  *value)
{
  if (*field == value)
    return;
  g_free (*field);
  /* An empty field is no field: optional data stays NULL. */
  *field = value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

/* ---- VbContactQuestion ---- */

static VbContactQuestion *
question_copy (const VbContactQuestion *q)
{
  VbContactQuestion *copy = g_new0 (VbContactQuestion, 1);

  copy->item_id = g_strdup (q->item_id);
  copy->section = g_strdup (q->section);
  copy->subject_text = g_strdup (q->subject_text);
  copy->outcome = g_strdup (q->outcome);
  copy->afdeling = g_strdup (q->afdeling);
  return copy;
}

static void
question_free (VbContactQuestion *q)
{
  g_free (q->item_id);
  g_free (q->section);
  g_free (q->subject_text);
  g_free (q->outcome);
  g_free (q->afdeling);
  g_free (q);
}

/* Marks @item_id (and a product @section, or NULL) as the answer used; @title becomes the
 * subject, cut to VB_CONTACT_TITLE_MAX characters. */
void
vb_contact_question_set_used (VbContactQuestion *question,
                              const char        *item_id,
                              const char        *section,
                              const char        *title)
{
  g_autofree char *cut = NULL;

  g_return_if_fail (question != NULL);

  set_string (&question->item_id, item_id);
  set_string (&question->section, item_id != NULL ? section : NULL);
  if (title != NULL && g_utf8_validate (title, -1, NULL) &&
      g_utf8_strlen (title, -1) > VB_CONTACT_TITLE_MAX)
    cut = g_utf8_substring (title, 0, VB_CONTACT_TITLE_MAX);
  set_string (&question->subject_text, cut != NULL ? cut : title);
}

/* A free-text subject (when nothing fitted): forgets the used item. */
void
vb_contact_question_set_subject (VbContactQuestion *question,
                                 const char        *text)
{
  g_return_if_fail (question != NULL);

  g_clear_pointer (&question->item_id, g_free);
  g_clear_pointer (&question->section, g_free);
  set_string (&question->subject_text, text);
}

void
vb_contact_question_set_outcome (VbContactQuestion *question,
                                 const char        *outcome)
{
  g_return_if_fail (question != NULL);
  set_string (&question->outcome, outcome);
}

void
vb_contact_question_set_afdeling (VbContactQuestion *question,
                                  const char        *afdeling)
{
  g_return_if_fail (question != NULL);
  set_string (&question->afdeling, afdeling);
}

/* ---- VbCallback ---- */

VbCallback *
vb_callback_new (void)
{
  VbCallback *callback = g_new0 (VbCallback, 1);

  callback->uuid = g_uuid_string_random ();
  callback->status = g_strdup ("open");
  return callback;
}

VbCallback *
vb_callback_copy (const VbCallback *callback)
{
  VbCallback *copy;

  g_return_val_if_fail (callback != NULL, NULL);

  copy = g_new0 (VbCallback, 1);
  copy->uuid = g_strdup (callback->uuid);
  copy->name = g_strdup (callback->name);
  copy->phone = g_strdup (callback->phone);
  copy->preferred_time = g_strdup (callback->preferred_time);
  copy->note = g_strdup (callback->note);
  copy->afdeling = g_strdup (callback->afdeling);
  copy->status = g_strdup (callback->status);
  copy->closed_by = g_strdup (callback->closed_by);
  copy->closed_at = callback->closed_at;
  copy->contact_uuid = g_strdup (callback->contact_uuid);
  copy->created = callback->created;
  return copy;
}

void
vb_callback_free (VbCallback *callback)
{
  if (callback == NULL)
    return;
  g_free (callback->uuid);
  g_free (callback->name);
  g_free (callback->phone);
  g_free (callback->preferred_time);
  g_free (callback->note);
  g_free (callback->afdeling);
  g_free (callback->status);
  g_free (callback->closed_by);
  g_free (callback->contact_uuid);
  g_free (callback);
}

void
vb_callback_set_name (VbCallback *callback,
                      const char *name)
{
  g_return_if_fail (callback != NULL);
  set_string (&callback->name, name);
}

void
vb_callback_set_phone (VbCallback *callback,
                       const char *phone)
{
  g_return_if_fail (callback != NULL);
  set_string (&callback->phone, phone);
}

void
vb_callback_set_preferred_time (VbCallback *callback,
                                const char *preferred_time)
{
  g_return_if_fail (callback != NULL);
  set_string (&callback->preferred_time, preferred_time);
}

void
vb_callback_set_note (VbCallback *callback,
                      const char *note)
{
  g_return_if_fail (callback != NULL);
  set_string (&callback->note, note);
}

void
vb_callback_set_afdeling (VbCallback *callback,
                          const char *afdeling)
{
  g_return_if_fail (callback != NULL);
  set_string (&callback->afdeling, afdeling);
}

/* ---- VbContact ---- */

static void
vb_contact_finalize (GObject *object)
{
  VbContact *self = VB_CONTACT (object);

  g_free (self->uuid);
  g_free (self->agent);
  g_free (self->channel);
  g_free (self->caller_name);
  g_free (self->caller_phone);
  g_free (self->notes);
  g_ptr_array_unref (self->questions);
  g_ptr_array_unref (self->consulted);
  vb_callback_free (self->callback);

  G_OBJECT_CLASS (vb_contact_parent_class)->finalize (object);
}

static void
vb_contact_class_init (VbContactClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vb_contact_finalize;
}

static void
vb_contact_init (VbContact *self)
{
  self->questions = g_ptr_array_new_with_free_func ((GDestroyNotify) question_free);
  self->consulted = g_ptr_array_new_with_free_func (g_free);
  self->status = VB_CONTACT_OPEN;
}

/* A new open contact with a fresh UUID, started now. @agent (the logged-in user) may be NULL. */
VbContact *
vb_contact_new (const char *channel,
                const char *agent)
{
  VbContact *self = g_object_new (VB_TYPE_CONTACT, NULL);

  self->uuid = g_uuid_string_random ();
  self->started = g_get_real_time () / G_USEC_PER_SEC;
  set_string (&self->channel, channel);
  set_string (&self->agent, agent);
  return self;
}

/* A contact with a known UUID (loaded from the store or received by sync). */
VbContact *
vb_contact_new_with_uuid (const char *uuid,
                          const char *channel,
                          const char *agent)
{
  VbContact *self;

  g_return_val_if_fail (uuid != NULL, NULL);

  self = g_object_new (VB_TYPE_CONTACT, NULL);
  self->uuid = g_strdup (uuid);
  set_string (&self->channel, channel);
  set_string (&self->agent, agent);
  return self;
}

/* What the store knows: status, revision and whether the personal fields were purged. */
void
vb_contact_set_state (VbContact       *self,
                      VbContactStatus  status,
                      int              revision,
                      gboolean         purged)
{
  g_return_if_fail (VB_IS_CONTACT (self));

  self->status = status;
  self->revision = revision;
  self->purged = purged;
}

/* A deep copy, with the same UUID: a snapshot for another thread. */
VbContact *
vb_contact_copy (VbContact *self)
{
  VbContact *copy;

  g_return_val_if_fail (VB_IS_CONTACT (self), NULL);

  copy = g_object_new (VB_TYPE_CONTACT, NULL);
  copy->uuid = g_strdup (self->uuid);
  copy->revision = self->revision;
  copy->status = self->status;
  copy->purged = self->purged;
  copy->agent = g_strdup (self->agent);
  copy->channel = g_strdup (self->channel);
  copy->started = self->started;
  copy->ended = self->ended;
  copy->caller_name = g_strdup (self->caller_name);
  copy->caller_phone = g_strdup (self->caller_phone);
  copy->notes = g_strdup (self->notes);
  for (guint i = 0; i < self->questions->len; i++)
    g_ptr_array_add (copy->questions, question_copy (g_ptr_array_index (self->questions, i)));
  for (guint i = 0; i < self->consulted->len; i++)
    g_ptr_array_add (copy->consulted, g_strdup (g_ptr_array_index (self->consulted, i)));
  if (self->callback != NULL)
    copy->callback = vb_callback_copy (self->callback);
  return copy;
}

const char *
vb_contact_get_uuid (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), NULL);
  return self->uuid;
}

/* 0 for a contact never finished; 1 when finished; each correction and the deletion add 1. */
int
vb_contact_get_revision (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), 0);
  return self->revision;
}

VbContactStatus
vb_contact_get_status (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), VB_CONTACT_OPEN);
  return self->status;
}

const char *
vb_contact_status_to_string (VbContactStatus status)
{
  switch (status)
    {
    case VB_CONTACT_FINISHED:
      return "finished";
    case VB_CONTACT_DELETED:
      return "deleted";
    case VB_CONTACT_OPEN:
    default:
      return "open";
    }
}

static gboolean
status_from_string (const char      *text,
                    VbContactStatus *status)
{
  if (g_strcmp0 (text, "open") == 0)
    *status = VB_CONTACT_OPEN;
  else if (g_strcmp0 (text, "finished") == 0)
    *status = VB_CONTACT_FINISHED;
  else if (g_strcmp0 (text, "deleted") == 0)
    *status = VB_CONTACT_DELETED;
  else
    return FALSE;
  return TRUE;
}

/* TRUE when the retention purge erased the personal fields. */
gboolean
vb_contact_is_purged (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), FALSE);
  return self->purged;
}

const char *
vb_contact_get_agent (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), NULL);
  return self->agent;
}

void
vb_contact_set_agent (VbContact  *self,
                      const char *agent)
{
  g_return_if_fail (VB_IS_CONTACT (self));
  set_string (&self->agent, agent);
}

const char *
vb_contact_get_channel (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), NULL);
  return self->channel;
}

void
vb_contact_set_channel (VbContact  *self,
                        const char *channel)
{
  g_return_if_fail (VB_IS_CONTACT (self));
  set_string (&self->channel, channel);
}

gint64
vb_contact_get_started (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), 0);
  return self->started;
}

void
vb_contact_set_started (VbContact *self,
                        gint64     started)
{
  g_return_if_fail (VB_IS_CONTACT (self));
  self->started = started;
}

gint64
vb_contact_get_ended (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), 0);
  return self->ended;
}

/* Normally left at 0: finishing sets it to the current time. */
void
vb_contact_set_ended (VbContact *self,
                      gint64     ended)
{
  g_return_if_fail (VB_IS_CONTACT (self));
  self->ended = ended;
}

gint64
vb_contact_get_duration (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), 0);
  return self->ended > self->started ? self->ended - self->started : 0;
}

const char *
vb_contact_get_caller_name (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), NULL);
  return self->caller_name;
}

void
vb_contact_set_caller_name (VbContact  *self,
                            const char *name)
{
  g_return_if_fail (VB_IS_CONTACT (self));
  set_string (&self->caller_name, name);
}

const char *
vb_contact_get_caller_phone (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), NULL);
  return self->caller_phone;
}

void
vb_contact_set_caller_phone (VbContact  *self,
                             const char *phone)
{
  g_return_if_fail (VB_IS_CONTACT (self));
  set_string (&self->caller_phone, phone);
}

const char *
vb_contact_get_notes (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), NULL);
  return self->notes;
}

void
vb_contact_set_notes (VbContact  *self,
                      const char *notes)
{
  g_return_if_fail (VB_IS_CONTACT (self));
  set_string (&self->notes, notes);
}

guint
vb_contact_get_n_questions (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), 0);
  return self->questions->len;
}

VbContactQuestion *
vb_contact_get_question (VbContact *self,
                         guint      index)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), NULL);
  g_return_val_if_fail (index < self->questions->len, NULL);
  return g_ptr_array_index (self->questions, index);
}

/* A new empty question at the end: no subject, no outcome (an outcome is never preselected). */
VbContactQuestion *
vb_contact_add_question (VbContact *self)
{
  VbContactQuestion *q;

  g_return_val_if_fail (VB_IS_CONTACT (self), NULL);

  q = g_new0 (VbContactQuestion, 1);
  g_ptr_array_add (self->questions, q);
  return q;
}

void
vb_contact_remove_question (VbContact *self,
                            guint      index)
{
  g_return_if_fail (VB_IS_CONTACT (self));
  g_return_if_fail (index < self->questions->len);
  g_ptr_array_remove_index (self->questions, index);
}

/* Records that @item_id was opened during the contact; repeats are ignored. */
void
vb_contact_add_consulted (VbContact  *self,
                          const char *item_id)
{
  g_return_if_fail (VB_IS_CONTACT (self));

  if (item_id == NULL || *item_id == '\0')
    return;
  for (guint i = 0; i < self->consulted->len; i++)
    if (g_str_equal (g_ptr_array_index (self->consulted, i), item_id))
      return;
  g_ptr_array_add (self->consulted, g_strdup (item_id));
}

GStrv
vb_contact_dup_consulted (VbContact *self)
{
  GStrv ids;

  g_return_val_if_fail (VB_IS_CONTACT (self), NULL);

  ids = g_new0 (char *, self->consulted->len + 1);
  for (guint i = 0; i < self->consulted->len; i++)
    ids[i] = g_strdup (g_ptr_array_index (self->consulted, i));
  return ids;
}

VbCallback *
vb_contact_get_callback (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), NULL);
  return self->callback;
}

/* The contact's callback, created (open, with a fresh UUID) when it has none. */
VbCallback *
vb_contact_ensure_callback (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), NULL);

  if (self->callback == NULL)
    self->callback = vb_callback_new ();
  return self->callback;
}

void
vb_contact_clear_callback (VbContact *self)
{
  g_return_if_fail (VB_IS_CONTACT (self));
  g_clear_pointer (&self->callback, vb_callback_free);
}

void
vb_contact_set_callback (VbContact        *self,
                         const VbCallback *callback)
{
  g_return_if_fail (VB_IS_CONTACT (self));

  if (callback == self->callback)
    return;
  g_clear_pointer (&self->callback, vb_callback_free);
  if (callback != NULL)
    self->callback = vb_callback_copy (callback);
}

/* ---- validation ---- */

static gboolean
check_text (const char  *text,
            guint        max,
            const char  *what,
            GError     **error)
{
  if (text == NULL)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID, "%s is not valid UTF-8",
                   what);
      return FALSE;
    }
  if (max > 0 && g_utf8_strlen (text, -1) > max)
    {
      /* The message names the field and the limit, never the text (it may be personal). */
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "%s is longer than %u characters", what, max);
      return FALSE;
    }
  return TRUE;
}

/* What finishing requires: a channel, at least one question, and for every question a subject
 * (an item used or free text of at most 180 characters) and an outcome; notes of at most 1000
 * characters; a callback with a phone number when an outcome is "terugbelverzoek". The error
 * (VB_CONTACT_ERROR_INVALID) names the first thing missing. */
gboolean
vb_contact_validate (VbContact  *self,
                     GError    **error)
{
  gboolean wants_callback = FALSE;

  g_return_val_if_fail (VB_IS_CONTACT (self), FALSE);

  if (self->channel == NULL)
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "The contact has no channel (kanaal)");
      return FALSE;
    }
  if (!check_text (self->channel, VB_CONTACT_CHANNEL_MAX, "The channel (kanaal)", error) ||
      !check_text (self->agent, 200, "The agent", error) ||
      !check_text (self->caller_name, 200, "The caller's name", error) ||
      !check_text (self->caller_phone, 50, "The caller's phone number", error) ||
      !check_text (self->notes, VB_CONTACT_NOTES_MAX, "The notes", error))
    return FALSE;
  if (self->questions->len == 0)
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "The contact has no question");
      return FALSE;
    }

  for (guint i = 0; i < self->questions->len; i++)
    {
      VbContactQuestion *q = g_ptr_array_index (self->questions, i);
      g_autofree char *what = g_strdup_printf ("The subject of question %u", i + 1);

      if (q->item_id == NULL && q->subject_text == NULL)
        {
          g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                       "Question %u has no subject: mark the answer used or type one", i + 1);
          return FALSE;
        }
      if (!check_text (q->subject_text,
                       q->item_id != NULL ? VB_CONTACT_TITLE_MAX : VB_CONTACT_SUBJECT_MAX,
                       what, error) ||
          !check_text (q->item_id, 200, "An item id", error) ||
          !check_text (q->section, 200, "A section", error) ||
          !check_text (q->afdeling, 200, "An afdeling", error) ||
          !check_text (q->outcome, 100, "An outcome", error))
        return FALSE;
      if (q->outcome == NULL)
        {
          g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                       "Question %u has no outcome (gespreksresultaat)", i + 1);
          return FALSE;
        }
      if (g_str_equal (q->outcome, VB_CONTACT_OUTCOME_CALLBACK))
        wants_callback = TRUE;
    }

  for (guint i = 0; i < self->consulted->len; i++)
    if (!check_text (g_ptr_array_index (self->consulted, i), 200, "A consulted item id", error))
      return FALSE;

  /* After the retention purge the phone number is gone, and that is no error. */
  if (wants_callback && !self->purged &&
      (self->callback == NULL || self->callback->phone == NULL))
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "A callback request (terugbelverzoek) needs a phone number");
      return FALSE;
    }
  if (self->callback != NULL &&
      (!check_text (self->callback->name, 200, "The callback name", error) ||
       !check_text (self->callback->phone, 50, "The callback phone number", error) ||
       !check_text (self->callback->preferred_time, 200, "The preferred time", error) ||
       !check_text (self->callback->note, VB_CONTACT_NOTES_MAX, "The callback note", error) ||
       !check_text (self->callback->afdeling, 200, "The callback afdeling", error)))
    return FALSE;
  return TRUE;
}

/* ---- JSON ---- */

static char *
format_utc (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

static gboolean
parse_time (const char *text,
            gint64     *t)
{
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return FALSE;
  *t = g_date_time_to_unix (dt);
  return TRUE;
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_time (JsonBuilder *b,
          const char  *name,
          gint64       t)
{
  g_autofree char *text = format_utc (t);

  add_string (b, name, text);
}

static JsonNode *
contact_to_json (VbContact *self,
                 gboolean   personal)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_string (b, "uuid", self->uuid);
  json_builder_set_member_name (b, "revision");
  json_builder_add_int_value (b, self->revision);
  add_string (b, "status", vb_contact_status_to_string (self->status));
  add_string (b, "kanaal", self->channel);
  if (personal)
    add_string (b, "medewerker", self->agent);
  add_time (b, "plaatsgevondenOp", self->started);
  if (self->ended != 0)
    {
      json_builder_set_member_name (b, "duur");
      json_builder_add_int_value (b, vb_contact_get_duration (self));
    }

  json_builder_set_member_name (b, "vragen");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->questions->len; i++)
    {
      VbContactQuestion *q = g_ptr_array_index (self->questions, i);

      json_builder_begin_object (b);
      if (!personal && q->item_id == NULL && q->subject_text != NULL)
        {
          /* Free text may hold personal data: the same redaction as the search log. */
          g_autofree char *redacted = vb_redact_query (q->subject_text);

          add_string (b, "onderwerp", redacted);
        }
      else
        add_string (b, "onderwerp", q->subject_text);
      if (q->item_id != NULL)
        {
          json_builder_set_member_name (b, "onderwerpobject");
          json_builder_begin_object (b);
          add_string (b, "item", q->item_id);
          add_string (b, "sectie", q->section);
          json_builder_end_object (b);
        }
      add_string (b, "gespreksresultaat", q->outcome);
      add_string (b, "afdeling", q->afdeling);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "geraadpleegd");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->consulted->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (self->consulted, i));
  json_builder_end_array (b);

  if (self->callback != NULL)
    {
      VbCallback *cb = self->callback;

      json_builder_set_member_name (b, "terugbelverzoek");
      json_builder_begin_object (b);
      add_string (b, "uuid", cb->uuid);
      add_string (b, "gevraagdeHandeling", "Terugbellen");
      if (personal && !self->purged)
        {
          add_string (b, "naam", cb->name);
          add_string (b, "telefoonnummer", cb->phone);
          add_string (b, "voorkeurstijd", cb->preferred_time);
          add_string (b, "toelichting", cb->note);
        }
      add_string (b, "afdeling", cb->afdeling);
      add_string (b, "status", g_strcmp0 (cb->status, "done") == 0 ? "verwerkt" : "te_verwerken");
      if (personal)
        add_string (b, "afgehandeldDoor", cb->closed_by);
      if (cb->closed_at != 0)
        add_time (b, "afgehandeldOp", cb->closed_at);
      /* When the contact was finished: the server's overdue figure counts from it. */
      if (cb->created != 0)
        add_time (b, "aangemaaktOp", cb->created);
      json_builder_end_object (b);
    }

  if (personal && !self->purged && (self->caller_name != NULL || self->caller_phone != NULL))
    {
      json_builder_set_member_name (b, "betrokkene");
      json_builder_begin_object (b);
      add_string (b, "contactnaam", self->caller_name);
      add_string (b, "telefoonnummer", self->caller_phone);
      json_builder_end_object (b);
    }
  if (personal && !self->purged)
    add_string (b, "inhoud", self->notes);
  if (self->purged)
    {
      json_builder_set_member_name (b, "gezuiverd");
      json_builder_add_boolean_value (b, TRUE);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The upload shape (see docs/contacts.md), personal fields included while not purged. */
JsonNode *
vb_contact_to_json (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), NULL);
  return contact_to_json (self, TRUE);
}

/* The upload shape without anything personal (caller, notes, the callback's contact details,
 * agent names), free-text subjects redacted: for exports and statistics. */
JsonNode *
vb_contact_to_json_anonymous (VbContact *self)
{
  g_return_val_if_fail (VB_IS_CONTACT (self), NULL);
  return contact_to_json (self, FALSE);
}

static gboolean
get_opt_string (JsonObject  *obj,
                const char  *name,
                char       **out,
                GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "The member %s is not a string", name);
      return FALSE;
    }
  set_string (out, json_node_get_string (node));
  return TRUE;
}

static JsonObject *
get_opt_object (JsonObject *obj,
                const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_opt_array (JsonObject *obj,
               const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* The inverse of vb_contact_to_json (drafts, sync). Unknown members are ignored. */
VbContact *
vb_contact_new_from_json (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(VbContact) self = NULL;
  g_autofree char *status = NULL;
  g_autofree char *started = NULL;
  JsonObject *obj, *sub;
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID, "A contact is not an object");
      return NULL;
    }
  obj = json_node_get_object (node);
  self = g_object_new (VB_TYPE_CONTACT, NULL);

  if (!get_opt_string (obj, "uuid", &self->uuid, error) ||
      !get_opt_string (obj, "status", &status, error) ||
      !get_opt_string (obj, "kanaal", &self->channel, error) ||
      !get_opt_string (obj, "medewerker", &self->agent, error) ||
      !get_opt_string (obj, "plaatsgevondenOp", &started, error) ||
      !get_opt_string (obj, "inhoud", &self->notes, error))
    return NULL;
  if (self->uuid == NULL || !g_uuid_string_is_valid (self->uuid))
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "A contact has no valid uuid");
      return NULL;
    }
  if (status != NULL && !status_from_string (status, &self->status))
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "A contact has an unknown status");
      return NULL;
    }
  if (!parse_time (started, &self->started))
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "A contact has no valid plaatsgevondenOp");
      return NULL;
    }
  self->revision = (int) json_object_get_int_member_with_default (obj, "revision", 0);
  if (json_object_has_member (obj, "duur"))
    self->ended = self->started + MAX (0, json_object_get_int_member_with_default (obj, "duur", 0));
  self->purged = json_object_get_boolean_member_with_default (obj, "gezuiverd", FALSE);

  array = get_opt_array (obj, "vragen");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *el = json_array_get_element (array, i);
      VbContactQuestion *q;
      JsonObject *qo, *subject;

      if (!JSON_NODE_HOLDS_OBJECT (el))
        continue;
      qo = json_node_get_object (el);
      q = vb_contact_add_question (self);
      if (!get_opt_string (qo, "onderwerp", &q->subject_text, error) ||
          !get_opt_string (qo, "gespreksresultaat", &q->outcome, error) ||
          !get_opt_string (qo, "afdeling", &q->afdeling, error))
        return NULL;
      subject = get_opt_object (qo, "onderwerpobject");
      if (subject != NULL &&
          (!get_opt_string (subject, "item", &q->item_id, error) ||
           !get_opt_string (subject, "sectie", &q->section, error)))
        return NULL;
    }

  array = get_opt_array (obj, "geraadpleegd");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *el = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (el) && json_node_get_value_type (el) == G_TYPE_STRING)
        vb_contact_add_consulted (self, json_node_get_string (el));
    }

  sub = get_opt_object (obj, "terugbelverzoek");
  if (sub != NULL)
    {
      VbCallback *cb = g_new0 (VbCallback, 1);
      g_autofree char *cb_status = NULL;
      g_autofree char *closed_at = NULL;
      g_autofree char *created = NULL;

      self->callback = cb;
      if (!get_opt_string (sub, "uuid", &cb->uuid, error) ||
          !get_opt_string (sub, "naam", &cb->name, error) ||
          !get_opt_string (sub, "telefoonnummer", &cb->phone, error) ||
          !get_opt_string (sub, "voorkeurstijd", &cb->preferred_time, error) ||
          !get_opt_string (sub, "toelichting", &cb->note, error) ||
          !get_opt_string (sub, "afdeling", &cb->afdeling, error) ||
          !get_opt_string (sub, "status", &cb_status, error) ||
          !get_opt_string (sub, "afgehandeldDoor", &cb->closed_by, error) ||
          !get_opt_string (sub, "afgehandeldOp", &closed_at, error) ||
          !get_opt_string (sub, "aangemaaktOp", &created, error))
        return NULL;
      if (cb->uuid == NULL || !g_uuid_string_is_valid (cb->uuid))
        {
          g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                       "A callback has no valid uuid");
          return NULL;
        }
      cb->status = g_strdup (g_strcmp0 (cb_status, "verwerkt") == 0 ? "done" : "open");
      if (closed_at != NULL && !parse_time (closed_at, &cb->closed_at))
        cb->closed_at = 0;
      if (created != NULL && !parse_time (created, &cb->created))
        cb->created = 0;
      cb->contact_uuid = g_strdup (self->uuid);
    }

  sub = get_opt_object (obj, "betrokkene");
  if (sub != NULL &&
      (!get_opt_string (sub, "contactnaam", &self->caller_name, error) ||
       !get_opt_string (sub, "telefoonnummer", &self->caller_phone, error)))
    return NULL;

  return g_steal_pointer (&self);
}

/* ---- privacy helpers ---- */

/* The elfproef on nine digits (values 0-9): 9*d1 + 8*d2 + ... + 2*d8 - d9 is a multiple of 11,
 * and the number is not zero. */
static gboolean
elfproef (const int d[9])
{
  int sum = 0;
  gboolean zero = TRUE;

  for (int i = 0; i < 8; i++)
    {
      sum += (9 - i) * d[i];
      zero &= d[i] == 0;
    }
  sum -= d[8];
  zero &= d[8] == 0;
  return !zero && sum % 11 == 0;
}

typedef struct
{
  gsize start;   /* byte offset of the first digit */
  gsize end;     /* byte offset after the last digit */
} Group;

/* A chain: maximal runs of digits separated by exactly one dot or space. */
static guint
read_chain (const char *text,
            gsize       pos,
            GArray     *groups)
{
  g_array_set_size (groups, 0);
  for (;;)
    {
      Group g = { pos, pos };

      while (g_ascii_isdigit (text[g.end]))
        g.end++;
      g_array_append_val (groups, g);
      pos = g.end;
      if ((text[pos] == '.' || text[pos] == ' ') && g_ascii_isdigit (text[pos + 1]))
        pos++;
      else
        break;
    }
  return groups->len;
}

gboolean
vb_text_has_bsn (const char *text)
{
  g_autoptr(GArray) groups = g_array_new (FALSE, FALSE, sizeof (Group));
  gsize pos = 0;

  if (text == NULL)
    return FALSE;

  while (text[pos] != '\0')
    {
      guint n;

      if (!g_ascii_isdigit (text[pos]))
        {
          pos++;
          continue;
        }
      n = read_chain (text, pos, groups);
      /* Every run of consecutive groups with exactly nine digits in all: "datum 12 123456782"
       * holds the chain 12, 123456782 and the candidate 123456782. */
      for (guint first = 0; first < n; first++)
        {
          int digits[9];
          guint count = 0;

          for (guint last = first; last < n && count <= 9; last++)
            {
              Group *g = &g_array_index (groups, Group, last);
              gsize len = g->end - g->start;

              if (count + len > 9)
                break;
              for (gsize i = 0; i < len; i++)
                digits[count + i] = text[g->start + i] - '0';
              count += len;
              if (count == 9 && elfproef (digits))
                return TRUE;
            }
        }
      pos = g_array_index (groups, Group, n - 1).end;
    }
  return FALSE;
}

static gboolean
is_email_local (char c)
{
  return g_ascii_isalnum (c) || strchr ("._%+-", c) != NULL;
}

static gboolean
is_email_domain (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '-';
}

/* The extent [*start, *end) of an e-mail address around the '@' at @at: a local part, and a
 * domain with a dot and a top-level part of two or more letters. */
static gboolean
find_email (const char *text,
            gsize       at,
            gsize      *start,
            gsize      *end)
{
  gsize s = at, e = at + 1, last_dot = 0;

  while (s > 0 && is_email_local (text[s - 1]))
    s--;
  while (is_email_domain (text[e]))
    e++;
  /* A full stop after the address is not part of the domain. */
  while (e > at + 1 && (text[e - 1] == '.' || text[e - 1] == '-'))
    e--;
  for (gsize i = at + 2; i < e; i++)
    if (text[i] == '.')
      last_dot = i;
  if (s == at || last_dot == 0 || e - last_dot < 3)
    return FALSE;
  *start = s;
  *end = e;
  return TRUE;
}

/* Between @min_digits and @max_digits digits from @pos, in groups separated by single spaces
 * or dashes, ending at the end of a group. Returns the end offset, or 0. */
static gsize
read_phone_digits (const char *text,
                   gsize       pos,
                   guint       min_digits,
                   guint       max_digits)
{
  guint count = 0;
  gsize end = 0;

  for (;;)
    {
      while (g_ascii_isdigit (text[pos]))
        {
          count++;
          pos++;
        }
      if (count > max_digits)
        break;
      if (count >= min_digits)
        end = pos;
      if (count < max_digits && (text[pos] == ' ' || text[pos] == '-') &&
          g_ascii_isdigit (text[pos + 1]))
        pos++;
      else
        break;
    }
  return end;
}

/* A phone number starting at @pos (at a word boundary): Dutch numbers of ten digits starting
 * with 0 (06-12345678, 010-1234567, 020 123 4567), +31 or 0031 with nine more digits
 * (+31 6 1234 5678, +31 (0)20 123 4567), other + numbers of 8 to 15 digits, and the municipal
 * numbers 14 + area code when they have six digits (14 0555). Returns the end, or 0. */
static gsize
find_phone (const char *text,
            gsize       pos)
{
  gsize p = pos;

  if (text[p] == '+' && text[p + 1] == '3' && text[p + 2] == '1')
    p += 3;
  else if (text[p] == '+')
    return g_ascii_isdigit (text[p + 1]) ? read_phone_digits (text, p + 1, 8, 15) : 0;
  else if (g_str_has_prefix (text + p, "0031"))
    p += 4;
  else if (text[p] == '0' && text[p + 1] != '0')
    return read_phone_digits (text, p, 10, 10);
  else if (text[p] == '1' && text[p + 1] == '4')
    {
      gsize q = p + 2;
      guint n = 0;

      if (text[q] == ' ' || text[q] == '-')
        q++;
      while (g_ascii_isdigit (text[q + n]))
        n++;
      /* 14 and an area code of four digits with its 0: 14 0555 (14 020 has only five). */
      return text[q] == '0' && n == 4 ? q + n : 0;
    }
  else
    return 0;

  /* After +31 or 0031: the national number without its 0, which some write as (0). */
  if (text[p] == ' ' || text[p] == '-')
    p++;
  if (g_str_has_prefix (text + p, "(0)"))
    {
      p += 3;
      if (text[p] == ' ' || text[p] == '-')
        p++;
    }
  return g_ascii_isdigit (text[p]) ? read_phone_digits (text, p, 9, 9) : 0;
}

/* From @pos, a chain of digit groups that starts with nine digits passing the elfproef
 * (123 456 782, 1234.56.782), or a chain written with dots only that has six or more digits
 * (12.345.678). Returns the end, or 0. */
static gsize
find_grouped_number (const char *text,
                     gsize       pos,
                     GArray     *groups)
{
  guint n = read_chain (text, pos, groups);
  guint count = 0, total = 0;
  gboolean dotted = TRUE;
  int digits[9];

  if (n < 2)
    return 0;
  for (guint i = 0; i < n; i++)
    {
      Group *g = &g_array_index (groups, Group, i);

      if (i > 0 && text[g->start - 1] != '.')
        dotted = FALSE;
      total += g->end - g->start;
    }
  for (guint i = 0; i < n && count < 9; i++)
    {
      Group *g = &g_array_index (groups, Group, i);

      for (gsize j = g->start; j < g->end && count <= 9; j++, count++)
        if (count < 9)
          digits[count] = text[j] - '0';
      if (count == 9 && elfproef (digits))
        return g->end;
    }
  if (dotted && total >= 6)
    return g_array_index (groups, Group, n - 1).end;
  return 0;
}

char *
vb_redact_query (const char *query)
{
  g_autoptr(GArray) groups = g_array_new (FALSE, FALSE, sizeof (Group));
  g_autoptr(GArray) emails = g_array_new (FALSE, FALSE, sizeof (Group));
  GString *out;
  gsize pos = 0;
  guint next_email = 0;

  if (query == NULL)
    return NULL;

  /* E-mail addresses first: they may contain digits. */
  for (gsize i = 0; query[i] != '\0'; i++)
    {
      Group span;

      if (query[i] == '@' && find_email (query, i, &span.start, &span.end) &&
          (emails->len == 0 || span.start >= g_array_index (emails, Group, emails->len - 1).end))
        {
          g_array_append_val (emails, span);
          i = span.end - 1;
        }
    }

  out = g_string_sized_new (strlen (query));
  while (query[pos] != '\0')
    {
      char c = query[pos];
      gboolean boundary = pos == 0 || !g_ascii_isalnum (query[pos - 1]);
      gsize end;

      /* An address whose start went with a number before it ("06 12345678abc@x.nl") is
       * still redacted from here. */
      while (next_email < emails->len && g_array_index (emails, Group, next_email).end <= pos)
        next_email++;
      if (next_email < emails->len && g_array_index (emails, Group, next_email).start <= pos)
        {
          g_string_append (out, "[e-mail]");
          pos = g_array_index (emails, Group, next_email).end;
          next_email++;
          continue;
        }

      if ((g_ascii_isdigit (c) || c == '+') && boundary)
        {
          end = find_phone (query, pos);
          if (end == 0 && g_ascii_isdigit (c))
            end = find_grouped_number (query, pos, groups);
          else if (end != 0)
            {
              g_string_append (out, "[telefoon]");
              pos = end;
              continue;
            }
          if (end != 0)
            {
              g_string_append (out, "[nummer]");
              pos = end;
              continue;
            }
        }

      if (g_ascii_isdigit (c))
        {
          gsize run = pos;

          while (g_ascii_isdigit (query[run]))
            run++;
          if (run - pos >= 6)
            g_string_append (out, "[nummer]");
          else
            g_string_append_len (out, query + pos, run - pos);
          pos = run;
          continue;
        }

      g_string_append_c (out, c);
      pos++;
    }
  return g_string_free (out, FALSE);
}

/* ---- dates ---- */

GTimeZone *
vb_contact_dup_time_zone (void)
{
  GTimeZone *tz = g_time_zone_new_identifier ("Europe/Amsterdam");

  /* Without tzdata: the same rules as a POSIX TZ string (CET/CEST, EU transitions). */
  if (tz == NULL)
    tz = g_time_zone_new_identifier ("CET-1CEST,M3.5.0,M10.5.0/3");
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  return tz;
}

static GDateTime *
parse_local_date (GTimeZone  *tz,
                  const char *text)
{
  int y, m, d;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return NULL;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return NULL;
  y = atoi (text);
  m = atoi (text + 5);
  d = atoi (text + 8);
  if (y < 1970 || y > 9998 || !g_date_valid_dmy (d, m, y))
    return NULL;
  return g_date_time_new (tz, y, m, d, 0, 0, 0);
}

gboolean
vb_contact_parse_date_range (const char  *from_date,
                             const char  *to_date,
                             gint64      *from,
                             gint64      *to,
                             GError     **error)
{
  g_autoptr(GTimeZone) tz = vb_contact_dup_time_zone ();
  g_autoptr(GDateTime) start = parse_local_date (tz, from_date);
  g_autoptr(GDateTime) last = parse_local_date (tz, to_date);
  g_autoptr(GDateTime) next = NULL;
  g_autoptr(GDateTime) end = NULL;

  if (start == NULL || last == NULL)
    {
      const char *bad = start == NULL ? from_date : to_date;

      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "“%s” is not a date (YYYY-MM-DD)", bad != NULL ? bad : "");
      return FALSE;
    }
  /* Midnight after the last day, by the calendar: 23, 24 or 25 hours after its midnight. */
  next = g_date_time_add_days (last, 1);
  end = g_date_time_new (tz, g_date_time_get_year (next), g_date_time_get_month (next),
                         g_date_time_get_day_of_month (next), 0, 0, 0);
  if (g_date_time_compare (start, end) >= 0)
    {
      g_set_error (error, VB_CONTACT_ERROR, VB_CONTACT_ERROR_INVALID,
                   "The date range ends before it starts");
      return FALSE;
    }
  *from = g_date_time_to_unix (start);
  *to = g_date_time_to_unix (end);
  return TRUE;
}
