/**
 * Request documents stored aside (shared/runtime/documents.ts): split into
 * chunks DynamoDB can hold, never inside a character, and read back whole —
 * or refused when a part is gone or altered.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { MAX_ITEM_BYTES, itemSize } from '../../local/emulators/dynamodb';
import { CHUNK_BYTES, loadDocument, splitUtf8, storeDocument } from '../../shared/runtime/documents';
import { testPorts } from '../support/ports';

const dynamodb = mockClient(DynamoDBClient);
const table = new Map<string, Record<string, AttributeValue>>();
beforeEach(() => {
  dynamodb.reset();
  table.clear();
  dynamodb.on(PutItemCommand).callsFake((input: { Item: Record<string, AttributeValue> }) => {
    // As strict as DynamoDB: 400 KB an item.
    if (itemSize(input.Item as Parameters<typeof itemSize>[0]) > MAX_ITEM_BYTES) throw Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' });
    table.set(input.Item.key!.S!, input.Item);
    return {};
  });
  dynamodb.on(GetItemCommand).callsFake((input: { Key: Record<string, AttributeValue> }) => ({ Item: table.get(input.Key.key!.S!) }));
});

describe('splitUtf8', () => {
  it('keeps every piece within the bytes and never splits a character', () => {
    const text = `${'a'.repeat(5)}€😀${'é'.repeat(7)}😀`;
    for (const max of [4, 5, 6, 7, 8, 13]) {
      const pieces = splitUtf8(text, max);
      expect(pieces.join('')).toBe(text);
      for (const piece of pieces) {
        expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(max);
        expect(piece).toBe(Buffer.from(piece, 'utf8').toString('utf8')); // no lone surrogate
      }
    }
    expect(splitUtf8('', 10)).toEqual(['']);
  });
});

describe('storing and reading back', () => {
  it.each([
    ['one ASCII chunk', 'x'.repeat(100)],
    ['exactly one chunk', 'x'.repeat(CHUNK_BYTES)],
    ['one byte over a chunk', 'x'.repeat(CHUNK_BYTES + 1)],
    ['the largest desired state, three bytes a character', '€'.repeat(262_144)],
    ['the largest desired state, astral characters', '😀'.repeat(131_072)],
  ])('%s', async (_name, document) => {
    const ports = testPorts();
    const ref = await storeDocument('req-1', document, ports);
    expect(ref.chunks).toBe(Math.max(1, Math.ceil(Buffer.byteLength(document) / CHUNK_BYTES)));
    await expect(loadDocument(ref, ports)).resolves.toBe(document);
  });

  it('refuses a document with a part gone, or altered', async () => {
    const ports = testPorts();
    const ref = await storeDocument('req-2', '€'.repeat(200_000), ports);
    table.delete(`${ref.key}#1`);
    await expect(loadDocument(ref, ports)).rejects.toMatchObject({ name: 'RequestDocumentUnavailable' });
    const other = await storeDocument('req-3', 'abc', ports);
    table.set(`${other.key}#0`, { ...table.get(`${other.key}#0`)!, body: { S: 'abd' } });
    await expect(loadDocument(other, ports)).rejects.toMatchObject({ name: 'RequestDocumentUnavailable' });
  });

  it('lets a transient DynamoDB fault through as one, for the retries', async () => {
    dynamodb.on(PutItemCommand).rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(storeDocument('req-4', 'abc', testPorts())).rejects.toMatchObject({ name: 'TransientServiceError' });
  });
});
