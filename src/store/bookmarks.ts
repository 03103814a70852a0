// Opaque, signed pagination cursors: a position in a sorted set (score, member), HMAC-signed so
// that a client can only hand back a bookmark Colt gave it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalidArgument } from '../errors.ts';

export interface Cursor { score: number; member: string }

export class Bookmarks {
  constructor(private readonly secret: string) {}

  encode(cursor: Cursor): string {
    const body = Buffer.from(JSON.stringify([cursor.score, cursor.member])).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  decode(bookmark: string): Cursor {
    const [body = '', signature = ''] = bookmark.split('.');
    const expected = this.sign(body);
    if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
      throw invalidArgument('bookmark: not a bookmark this server issued', { field: 'bookmark' });
    }
    const [score, member] = JSON.parse(Buffer.from(body, 'base64url').toString()) as [number, string];
    return { score, member };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url').slice(0, 22);
  }
}
