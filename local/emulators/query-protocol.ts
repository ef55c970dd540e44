/**
 * The AWS Query protocol, as STS speaks it: the SDK POSTs a form
 * (`Action=AssumeRole&Version=2011-06-15&RoleArn=...`, lists as
 * `Name.member.N`, structures as `Name.Member`) and reads XML back
 * (`<AssumeRoleResponse><AssumeRoleResult>...</AssumeRoleResult>
 * <ResponseMetadata><RequestId>` and, for errors, `<ErrorResponse><Error>
 * <Type>Sender</Type><Code>...</Code><Message>...`). The form is read by the
 * operation's input shape in the service model, so numbers and booleans
 * arrive typed and members the model does not name are dropped, as AWS's
 * frameworks do; the answer is written from the output value.
 *
 * Written by hand: the SDK ships only the client side of the protocol
 * (@aws-sdk/core's AwsQueryProtocol), and no maintained npm package serves it.
 * Sources: the AWS Query protocol specification (smithy.io, "AWS query
 * protocol": form keys, `member` lists, `<OperationNameResponse>` and
 * `<OperationNameResult>` wrappers, the `ErrorResponse` shape).
 */
import type { ServiceModel } from './models';

/** The form's key/value pairs, in order (URLSearchParams decodes `+` and percent-escapes as the SDK encodes them). */
export function parseForm(body: string): Map<string, string> {
  return new Map(new URLSearchParams(body));
}

/**
 * The operation's input from the form, by the model's shapes: `Name` for a
 * scalar, `Name.member.N` for a list, `Name.Member` for a structure. A value
 * that is not the shape's type is kept as the string it came as, for the
 * model check to refuse.
 */
export function queryInput(model: ServiceModel, shapeName: string | undefined, form: Map<string, string>, prefix = ''): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  if (!shapeName) return input;
  const shape = model.shapes[shapeName];
  for (const [name, ref] of Object.entries(shape?.members ?? {})) {
    const value = readMember(model, ref.shape, form, `${prefix}${name}`);
    if (value !== undefined) input[name] = value;
  }
  return input;
}

function readMember(model: ServiceModel, shapeName: string, form: Map<string, string>, key: string): unknown {
  const shape = model.shapes[shapeName];
  switch (shape?.type) {
    case 'structure': {
      const present = [...form.keys()].some((k) => k.startsWith(`${key}.`));
      return present ? queryInput(model, shapeName, form, `${key}.`) : undefined;
    }
    case 'list': {
      // `Name=` alone is the empty list; otherwise members are numbered from 1 without gaps.
      if (form.get(key) === '') return [];
      const items: unknown[] = [];
      for (let i = 1; ; i++) {
        const item = readMember(model, shape.member!.shape, form, `${key}.member.${i}`);
        if (item === undefined) break;
        items.push(item);
      }
      return items.length ? items : undefined;
    }
    case 'map':
      // No operation the emulators serve over this protocol takes a map.
      throw new Error(`query protocol: map members (${key}) are not emulated`);
    default: {
      const raw = form.get(key);
      if (raw === undefined) return undefined;
      if (shape?.type === 'integer' || shape?.type === 'long') return /^-?[0-9]+$/.test(raw) ? Number(raw) : raw;
      if (shape?.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
      return raw;
    }
  }
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A value as XML elements: structures as nested elements, lists as `<member>`, dates as ISO 8601. */
function xmlOf(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => `<member>${xmlOf(item)}</member>`).join('');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${xmlOf(v)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
}

/** The answer to `operation`: its result wrapped as the protocol wraps it. */
export function queryResponse(namespace: string, operation: string, output: unknown, requestId: string): string {
  return (
    `<${operation}Response xmlns="${namespace}"><${operation}Result>${xmlOf(output ?? {})}</${operation}Result>` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${operation}Response>`
  );
}

/** An error as the protocol answers it: the code, whose fault it is (Sender for 4xx), and the message. */
export function queryError(namespace: string, code: string, message: string, status: number, requestId: string): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}
