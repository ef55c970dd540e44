/**
 * Emulated DynamoDB, as far as the ledger uses it: GetItem, PutItem and
 * DeleteItem on tables keyed by one string attribute, with condition
 * expressions of the forms the ledger writes (attribute_not_exists, =, <, >,
 * AND, OR, parentheses; #names and :values). A failed condition answers
 * ConditionalCheckFailedException, as DynamoDB does.
 */
import { AwsError, type ServiceOperations } from '../aws-server';

type AttributeValue = { S?: string; N?: string; BOOL?: boolean; B?: string };

/** DynamoDB's item size limit: 400 KB, names and values (Service, account, and table quotas in Amazon DynamoDB). */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * An item's size as DynamoDB counts it: each attribute name's UTF-8 bytes
 * plus its value's (a string's UTF-8 bytes, a number's significant digits
 * halved plus one, a boolean one byte; binary as sent, base64-decoded).
 */
export function itemSize(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += Buffer.byteLength(name);
    if (value.S !== undefined) size += Buffer.byteLength(value.S);
    else if (value.N !== undefined) size += Math.ceil(value.N.replace(/^-|\.|e.*$/gi, '').replace(/^0+/, '').length / 2) + 1;
    else if (value.B !== undefined) size += Buffer.from(value.B, 'base64').length;
    else if (value.BOOL !== undefined) size += 1;
  }
  return size;
}
type Item = Record<string, AttributeValue>;

interface ExpressionContext {
  item: Item | undefined;
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

/** Evaluates a condition expression against an item (recursive descent: OR of ANDs of terms). */
export function evaluateCondition(expression: string, context: ExpressionContext): boolean {
  const tokens = expression.match(/\(|\)|[#:]?[A-Za-z_][\w]*|<=|>=|<>|=|<|>|,/g) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];
  const operand = (token: string | undefined): AttributeValue | undefined => {
    if (!token) throw new AwsError('ValidationException', `Invalid ConditionExpression: ${expression}`);
    if (token.startsWith(':')) return context.values[token];
    const name = token.startsWith('#') ? context.names[token] : token;
    return name === undefined ? undefined : context.item?.[name];
  };
  const scalar = (value: AttributeValue | undefined) => (value?.N !== undefined ? Number(value.N) : (value?.S ?? value?.BOOL));
  const term = (): boolean => {
    const token = next();
    if (token === '(') {
      const inner = or();
      next(); // ')'
      return inner;
    }
    if (token === 'attribute_not_exists' || token === 'attribute_exists') {
      next(); // '('
      const value = operand(next());
      next(); // ')'
      return token === 'attribute_exists' ? value !== undefined : value === undefined;
    }
    const left = scalar(operand(token));
    const comparator = next();
    const right = scalar(operand(next()));
    if (left === undefined || right === undefined) return false;
    switch (comparator) {
      case '=':
        return left === right;
      case '<>':
        return left !== right;
      case '<':
        return left < right;
      case '<=':
        return left <= right;
      case '>':
        return left > right;
      case '>=':
        return left >= right;
      default:
        throw new AwsError('ValidationException', `Unsupported comparator ${comparator} in ${expression}`);
    }
  };
  const and = (): boolean => {
    let result = term();
    while (peek() === 'AND') {
      next();
      result = term() && result;
    }
    return result;
  };
  const or = (): boolean => {
    let result = and();
    while (peek() === 'OR') {
      next();
      result = and() || result;
    }
    return result;
  };
  return or();
}

export class DynamoDbEmulator {
  /** table → key value → item. */
  readonly tables = new Map<string, Map<string, Item>>();

  constructor(tableNames: string[]) {
    for (const name of tableNames) this.tables.set(name, new Map());
  }

  operations(): ServiceOperations {
    return {
      GetItem: (input) => {
        const item = this.table(input).get(this.keyOf(input.Key as Item));
        return item ? { Item: item } : {};
      },
      PutItem: (input) => {
        const item = input.Item as Item;
        const key = this.keyOf(item);
        if (itemSize(item) > MAX_ITEM_BYTES) throw new AwsError('ValidationException', 'Item size has exceeded the maximum allowed size');
        this.check(input, this.table(input).get(key));
        this.table(input).set(key, item);
        return {};
      },
      DeleteItem: (input) => {
        const key = this.keyOf(input.Key as Item);
        this.check(input, this.table(input).get(key));
        this.table(input).delete(key);
        return {};
      },
    };
  }

  private table(input: Record<string, unknown>): Map<string, Item> {
    const table = this.tables.get(String(input.TableName));
    if (!table) throw new AwsError('ResourceNotFoundException', `Requested resource not found: Table: ${String(input.TableName)} not found`);
    return table;
  }

  /** Tables here have one string hash key, named `key`. */
  private keyOf(item: Item | undefined): string {
    const key = item?.key?.S;
    if (!key) throw new AwsError('ValidationException', 'One of the required keys was not given a value');
    return key;
  }

  private check(input: Record<string, unknown>, existing: Item | undefined): void {
    if (typeof input.ConditionExpression !== 'string') return;
    const ok = evaluateCondition(input.ConditionExpression, {
      item: existing,
      names: (input.ExpressionAttributeNames ?? {}) as Record<string, string>,
      values: (input.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>,
    });
    if (!ok) throw new AwsError('ConditionalCheckFailedException', 'The conditional request failed');
  }
}
