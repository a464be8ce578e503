import * as path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Two projectors on one read-model file (`docker compose --scale projector=2` shares the volume; `npm start` and
 * `APP=projector` from one directory) failed each other's batches ("database is locked"), over and over, and a
 * rebuild could hang. One file, one projector: `<file>.lock`, an SQLite database of its own held in an exclusive
 * transaction for as long as the store is open, refuses the second at its start. The lock is the operating
 * system's (a POSIX file lock), so the end of the process that held it, even by SIGKILL, releases it: no stale lock
 * file to delete after a crash. Returns what releases it.
 */
export function lockForOneProjector(file: string): () => void {
  const lockFile = `${file}.lock`;
  const lock = new Database(lockFile, { timeout: 0 }); // busy: refused at once, not after a wait
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
    throw new Error(
      `another projector uses the read models in ${path.dirname(file)} (${lockFile} is locked): two on one file fail each other's batches; ` +
        'give each projector a DATA_DIR (or SQLITE_PATH) of its own',
    );
  }
  return () => {
    if (lock.open) lock.close(); // rolls the transaction back: unlocked
  };
}
