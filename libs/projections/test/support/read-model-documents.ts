import Database from 'better-sqlite3';

/** Every document of a SQLite read-model file, as stored, in a stable order (specs compare whole files). */
export function documentsIn(file: string): Array<{ collection: string; id: string; doc: string }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT collection, id, doc FROM rm_documents ORDER BY collection, id').all() as Array<{
      collection: string;
      id: string;
      doc: string;
    }>;
  } finally {
    db.close();
  }
}
