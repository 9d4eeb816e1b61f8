/** git's pkt-line framing (gitprotocol-common): 4 hex digits of length (including themselves), then data. */

export const FLUSH = Buffer.from('0000');

export function pktLine(data: string | Buffer): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (body.length > 65516) throw new RangeError('pkt-line too long');
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0')), body]);
}

/** Side-band framing: each packet's first byte is the band (1 data, 2 progress, 3 error). */
export function sideBand(band: 1 | 2 | 3, data: Buffer, max = 65515): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += max - 1) {
    out.push(pktLine(Buffer.concat([Buffer.from([band]), data.subarray(i, i + max - 1)])));
  }
  return Buffer.concat(out);
}

export type Pkt = { kind: 'data'; data: Buffer } | { kind: 'flush' } | { kind: 'delim' } | { kind: 'end' };

/**
 * Reads one pkt-line from `buf` at `offset`. Returns null when more bytes are needed;
 * throws on a malformed length.
 */
export function readPkt(buf: Buffer, offset: number): { pkt: Pkt; next: number } | null {
  if (buf.length - offset < 4) return null;
  const hex = buf.toString('latin1', offset, offset + 4);
  if (!/^[0-9a-f]{4}$/i.test(hex)) throw new Error('malformed pkt-line');
  const len = Number.parseInt(hex, 16);
  if (len === 0) return { pkt: { kind: 'flush' }, next: offset + 4 };
  if (len === 1) return { pkt: { kind: 'delim' }, next: offset + 4 };
  if (len === 2) return { pkt: { kind: 'end' }, next: offset + 4 };
  if (len < 4) throw new Error('malformed pkt-line');
  if (buf.length - offset < len) return null;
  return { pkt: { kind: 'data', data: buf.subarray(offset + 4, offset + len) }, next: offset + len };
}
