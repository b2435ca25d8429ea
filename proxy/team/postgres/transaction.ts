// One transaction on a connection: BEGIN, the work, COMMIT; ROLLBACK (best effort: the
// connection may be the thing that failed) and rethrow when the work fails.
import type pg from 'pg';

export async function transaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
