/**
 * Request documents by reference (the claim-check pattern): a Cloud Control
 * desired state may be 262,144 characters, more than a Step Functions
 * execution input or state can hold (256 KiB of UTF-8), and it can hold
 * secrets that have no business in an execution history. So ingest stores
 * the document — the exact JSON text Cloud Control will get — in the ledger
 * table, and the execution carries only a reference; the start function
 * reads it back. DynamoDB items hold 400 KB, so a document is stored in
 * chunks, each checked against the document's digest when read.
 */
import { createHash } from 'node:crypto';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { required } from './config';
import { asTransient, ShepherdError } from './errors';
import type { Uses } from './ports';

export interface DocumentRef {
  /** Ledger key prefix; chunk i is stored under `${key}#${i}`. */
  key: string;
  chunks: number;
  /** sha256 of the whole document, hex. */
  sha256: string;
}

/** UTF-8 bytes per chunk: well under DynamoDB's 400 KB item, with the key and attributes beside it. */
export const CHUNK_BYTES = 350_000;
/**
 * How long a stored document outlives its last write: longer than any
 * execution (26 h), and short, since it may hold secrets. Ingest writes it
 * again each time it tries to start the execution.
 */
export const DOCUMENT_RETENTION_SECONDS = 3 * 24 * 3600;

/** The document did not survive to be read (deleted, expired, altered): the request cannot run. */
export class RequestDocumentUnavailable extends ShepherdError {
  override readonly name = 'RequestDocumentUnavailable';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Splits text into pieces of at most `maxBytes` UTF-8 bytes, never inside a character. */
export function splitUtf8(text: string, maxBytes: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  let bytes = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character);
    if (bytes + size > maxBytes && piece) {
      pieces.push(piece);
      piece = '';
      bytes = 0;
    }
    piece += character;
    bytes += size;
  }
  if (piece || pieces.length === 0) pieces.push(piece);
  return pieces;
}

/** Stores a request's document for its execution (idempotent: the same request and document, the same items). */
export async function storeDocument(requestId: string, document: string, ports: Uses<'dynamodb'>): Promise<DocumentRef> {
  const table = required(ports.config.ledgerTable, 'LEDGER_TABLE');
  const digest = sha256(document);
  const key = `document#${requestId}#${digest}`;
  const chunks = splitUtf8(document, CHUNK_BYTES);
  const expiresAt = String(Math.floor(ports.clock.now().getTime() / 1000) + DOCUMENT_RETENTION_SECONDS);
  for (const [i, body] of chunks.entries()) {
    try {
      await ports.dynamodb.send(new PutItemCommand({ TableName: table, Item: { key: { S: `${key}#${i}` }, body: { S: body }, expiresAt: { N: expiresAt } } }));
    } catch (error) {
      throw asTransient(error);
    }
  }
  return { key, chunks: chunks.length, sha256: digest };
}

/** Reads a stored document back, whole and unaltered, or says why not. */
export async function loadDocument(ref: DocumentRef, ports: Uses<'dynamodb'>): Promise<string> {
  const table = required(ports.config.ledgerTable, 'LEDGER_TABLE');
  const parts: string[] = [];
  for (let i = 0; i < ref.chunks; i++) {
    let item;
    try {
      item = (await ports.dynamodb.send(new GetItemCommand({ TableName: table, Key: { key: { S: `${ref.key}#${i}` } }, ConsistentRead: true }))).Item;
    } catch (error) {
      throw asTransient(error);
    }
    if (item?.body?.S === undefined) throw new RequestDocumentUnavailable(`part ${i + 1} of ${ref.chunks} of the request's document is gone`);
    parts.push(item.body.S);
  }
  const document = parts.join('');
  if (sha256(document) !== ref.sha256) throw new RequestDocumentUnavailable("the request's stored document does not match its digest");
  return document;
}
