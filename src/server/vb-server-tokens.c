/* vb-server-tokens.c: the server's access tokens (names, roles, SHA-256 hashes)
 *
 * Tokens live in their own small SQLite file beside the content database, so `token add`
 * and `token revoke` work while the server runs: the server reads the table for every
 * request (an indexed lookup of a few microseconds), so a revoked token stops working at
 * once. Only the SHA-256 of a token is stored; the token is 32 random bytes from
 * getrandom(), base64url-encoded with a "vb_" prefix.
 *
 * Copyright 2026 The Vraagbaak developers
 * SPDX-License-Identifier: EUPL-1.2
 */
#include <errno.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/random.h>

#include "vb-server-tokens.h"

struct _VbServerTokens
{
  GObject  parent_instance;

  sqlite3 *db;
  GMutex   lock;
};

G_DEFINE_FINAL_TYPE (VbServerTokens, vb_server_tokens, G_TYPE_OBJECT)
G_DEFINE_QUARK (vb-server-error-quark, vb_server_error)

static const char *const role_names[] = { NULL, "medewerker", "supervisor", "redacteur" };

const char *
vb_role_to_string (VbRole role)
{
  return role < G_N_ELEMENTS (role_names) ? role_names[role] : NULL;
}

gboolean
vb_role_from_string (const char *text,
                     VbRole     *role)
{
  for (guint i = 1; i < G_N_ELEMENTS (role_names); i++)
    if (g_strcmp0 (text, role_names[i]) == 0)
      {
        *role = i;
        return TRUE;
      }
  return FALSE;
}

void
vb_token_info_free (VbTokenInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info);
}

static gboolean
db_error (GError       **error,
          VbServerError  code,
          sqlite3       *db,
          const char    *what)
{
  g_set_error (error, VB_SERVER_ERROR, code, "%s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

static void
vb_server_tokens_finalize (GObject *object)
{
  VbServerTokens *self = VB_SERVER_TOKENS (object);

  sqlite3_close_v2 (self->db);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (vb_server_tokens_parent_class)->finalize (object);
}

static void
vb_server_tokens_class_init (VbServerTokensClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vb_server_tokens_finalize;
}

static void
vb_server_tokens_init (VbServerTokens *self)
{
  g_mutex_init (&self->lock);
}

VbServerTokens *
vb_server_tokens_open (const char  *path,
                       GError     **error)
{
  g_autoptr(VbServerTokens) self = g_object_new (VB_TYPE_SERVER_TOKENS, NULL);
  static const char *const schema =
    "PRAGMA busy_timeout = 5000;"
    "PRAGMA journal_mode = WAL;"
    "PRAGMA synchronous = FULL;"
    "CREATE TABLE IF NOT EXISTS tokens ("
    "  name TEXT PRIMARY KEY,"
    "  role TEXT NOT NULL CHECK (role IN ('medewerker', 'supervisor', 'redacteur')),"
    "  sha256 TEXT NOT NULL UNIQUE,"
    "  created INTEGER NOT NULL,"
    "  revoked INTEGER NOT NULL DEFAULT 0);";
  char *message = NULL;

  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, VB_SERVER_ERROR, VB_SERVER_ERROR_OPEN, "Cannot open %s: %s", path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  if (sqlite3_exec (self->db, schema, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, VB_SERVER_ERROR, VB_SERVER_ERROR_OPEN, "Cannot open %s: %s", path,
                   message);
      sqlite3_free (message);
      return NULL;
    }
  return g_steal_pointer (&self);
}

static char *
hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static char *
new_token (GError **error)
{
  guchar bytes[32];
  gsize done = 0;
  g_autofree char *b64 = NULL;

  while (done < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + done, sizeof bytes - done, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_set_error (error, VB_SERVER_ERROR, VB_SERVER_ERROR_WRITE,
                       "Cannot make a random token: %s", g_strerror (errno));
          return NULL;
        }
      done += n;
    }
  b64 = g_base64_encode (bytes, sizeof bytes);
  /* base64url without padding: the token goes into headers and shell variables. */
  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  g_strdelimit (b64, "=", '\0');
  return g_strconcat ("vb_", b64, NULL);
}

static gboolean
valid_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 64)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-_.@", *p) == NULL)
      return FALSE;
  return TRUE;
}

char *
vb_server_tokens_add (VbServerTokens  *self,
                      const char      *name,
                      VbRole           role,
                      GError         **error)
{
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VB_IS_SERVER_TOKENS (self), NULL);

  if (!valid_name (name))
    {
      g_set_error (error, VB_SERVER_ERROR, VB_SERVER_ERROR_INVALID,
                   "A token name is 1 to 64 letters, digits, '-', '_', '.' or '@'");
      return NULL;
    }
  if (vb_role_to_string (role) == NULL || role == VB_ROLE_NONE)
    {
      g_set_error (error, VB_SERVER_ERROR, VB_SERVER_ERROR_INVALID, "Unknown role");
      return NULL;
    }
  token = new_token (error);
  if (token == NULL)
    return NULL;
  hash = hash_token (token);

  g_mutex_lock (&self->lock);
  rc = sqlite3_prepare_v2 (self->db,
                           "INSERT INTO tokens (name, role, sha256, created) VALUES (?, ?, ?, ?)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, vb_role_to_string (role), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
      rc = sqlite3_step (stmt);
    }
  if (rc == SQLITE_CONSTRAINT)
    g_set_error (error, VB_SERVER_ERROR, VB_SERVER_ERROR_EXISTS,
                 "A token named “%s” exists already (revoked tokens keep their name)", name);
  else if (rc != SQLITE_DONE)
    db_error (error, VB_SERVER_ERROR_WRITE, self->db, "Cannot store the token");
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->lock);
  return rc == SQLITE_DONE ? g_steal_pointer (&token) : NULL;
}

gboolean
vb_server_tokens_revoke (VbServerTokens  *self,
                         const char      *name,
                         GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (VB_IS_SERVER_TOKENS (self), FALSE);

  g_mutex_lock (&self->lock);
  if (sqlite3_prepare_v2 (self->db,
                          "UPDATE tokens SET revoked = ?2 WHERE name = ?1 AND revoked = 0", -1,
                          &stmt, NULL) != SQLITE_OK)
    db_error (error, VB_SERVER_ERROR_WRITE, self->db, "Cannot revoke the token");
  else
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        db_error (error, VB_SERVER_ERROR_WRITE, self->db, "Cannot revoke the token");
      else if (sqlite3_changes (self->db) == 0)
        g_set_error (error, VB_SERVER_ERROR, VB_SERVER_ERROR_NOT_FOUND,
                     "No valid token named “%s”", name);
      else
        ok = TRUE;
    }
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->lock);
  return ok;
}

GPtrArray *
vb_server_tokens_list (VbServerTokens  *self,
                       GError         **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) vb_token_info_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (VB_IS_SERVER_TOKENS (self), NULL);

  g_mutex_lock (&self->lock);
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT name, role, created, revoked FROM tokens ORDER BY name", -1,
                           &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VbTokenInfo *info = g_new0 (VbTokenInfo, 1);

      info->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      vb_role_from_string ((const char *) sqlite3_column_text (stmt, 1), &info->role);
      info->created = sqlite3_column_int64 (stmt, 2);
      info->revoked = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (list, info);
      rc = SQLITE_OK;
    }
  if (rc != SQLITE_DONE)
    db_error (error, VB_SERVER_ERROR_OPEN, self->db, "Cannot read the tokens");
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->lock);
  return rc == SQLITE_DONE ? g_steal_pointer (&list) : NULL;
}

VbRole
vb_server_tokens_check (VbServerTokens  *self,
                        const char      *token,
                        char           **name)
{
  g_autofree char *hash = NULL;
  sqlite3_stmt *stmt = NULL;
  VbRole role = VB_ROLE_NONE;

  g_return_val_if_fail (VB_IS_SERVER_TOKENS (self), VB_ROLE_NONE);

  if (token == NULL || *token == '\0' || strlen (token) > 256)
    return VB_ROLE_NONE;
  hash = hash_token (token);
  g_mutex_lock (&self->lock);
  if (sqlite3_prepare_v2 (self->db,
                          "SELECT role, name FROM tokens WHERE sha256 = ? AND revoked = 0", -1,
                          &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW &&
          vb_role_from_string ((const char *) sqlite3_column_text (stmt, 0), &role) &&
          name != NULL)
        *name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->lock);
  return role;
}
