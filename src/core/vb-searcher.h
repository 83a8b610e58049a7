/* vb-searcher.h: Dutch search over the content database
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#pragma once

#include "vb-search-results.h"
#include "vb-store.h"

G_BEGIN_DECLS

typedef struct
{
  int         kind;       /* a VbItemKind, or -1 for every kind */
  const char *doelgroep;  /* "particulier", "ondernemer" or NULL */
  const char *afdeling;   /* department name or NULL */
  guint       limit;      /* 0 means 20 */
  gint64      now;        /* Unix time for notice windows; 0 means the current time */
} VbSearchOptions;

#define VB_SEARCH_OPTIONS_INIT { -1, NULL, NULL, 20, 0 }

#define VB_TYPE_SEARCHER (vb_searcher_get_type ())
G_DECLARE_FINAL_TYPE (VbSearcher, vb_searcher, VB, SEARCHER, GObject)

VbSearcher      *vb_searcher_new           (VbStore                *store,
                                            GError                **error);
VbSearchResults *vb_searcher_search        (VbSearcher             *self,
                                            const char             *query,
                                            const VbSearchOptions  *options,
                                            GError                **error);
void             vb_searcher_search_async  (VbSearcher             *self,
                                            const char             *query,
                                            const VbSearchOptions  *options,
                                            GCancellable           *cancellable,
                                            GAsyncReadyCallback     callback,
                                            gpointer                user_data);
VbSearchResults *vb_searcher_search_finish (VbSearcher             *self,
                                            GAsyncResult           *result,
                                            GError                **error);

G_END_DECLS
