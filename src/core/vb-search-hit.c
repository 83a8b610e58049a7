/* vb-search-hit.c: one search result
 *
 * The snippet is Pango markup: text escaped, matched words in <b>, so the window can show it
 * as it is and the command line can strip or keep the tags.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include "vb-search-hit.h"

struct _VbSearchHit
{
  GObject     parent_instance;

  char       *id;
  VbItemKind  kind;
  char       *title;
  char       *snippet;
  double      score;
  char       *origin;
  char       *doelgroep;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_SNIPPET,
  PROP_ORIGIN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (VbSearchHit, vb_search_hit, G_TYPE_OBJECT)

static void
vb_search_hit_finalize (GObject *object)
{
  VbSearchHit *self = VB_SEARCH_HIT (object);

  g_free (self->id);
  g_free (self->title);
  g_free (self->snippet);
  g_free (self->origin);
  g_free (self->doelgroep);

  G_OBJECT_CLASS (vb_search_hit_parent_class)->finalize (object);
}

static void
vb_search_hit_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VbSearchHit *self = VB_SEARCH_HIT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SNIPPET:
      g_value_set_string (value, self->snippet);
      break;
    case PROP_ORIGIN:
      g_value_set_string (value, self->origin);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vb_search_hit_class_init (VbSearchHitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vb_search_hit_finalize;
  object_class->get_property = vb_search_hit_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SNIPPET] =
    g_param_spec_string ("snippet", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ORIGIN] =
    g_param_spec_string ("origin", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vb_search_hit_init (VbSearchHit *self)
{
}

VbSearchHit *
vb_search_hit_new (const char *id,
                   VbItemKind  kind,
                   const char *title,
                   const char *snippet,
                   double      score,
                   const char *origin,
                   const char *doelgroep)
{
  VbSearchHit *self = g_object_new (VB_TYPE_SEARCH_HIT, NULL);

  self->id = g_strdup (id);
  self->kind = kind;
  self->title = g_strdup (title);
  self->snippet = g_strdup (snippet);
  self->score = score;
  self->origin = g_strdup (origin);
  self->doelgroep = g_strdup (doelgroep);
  return self;
}

const char *
vb_search_hit_get_id (VbSearchHit *self)
{
  return self->id;
}

VbItemKind
vb_search_hit_get_kind (VbSearchHit *self)
{
  return self->kind;
}

const char *
vb_search_hit_get_title (VbSearchHit *self)
{
  return self->title;
}

const char *
vb_search_hit_get_snippet (VbSearchHit *self)
{
  return self->snippet;
}

double
vb_search_hit_get_score (VbSearchHit *self)
{
  return self->score;
}

const char *
vb_search_hit_get_origin (VbSearchHit *self)
{
  return self->origin;
}

const char *
vb_search_hit_get_doelgroep (VbSearchHit *self)
{
  return self->doelgroep;
}
