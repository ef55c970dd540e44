/**
 * One loopback HTTP endpoint for the emulated AWS APIs. The real SDK clients
 * reach it through their `endpoint` option and speak AWS JSON as they would
 * to AWS: the operation is named by the X-Amz-Target header
 * (`CloudApiService.CreateResource`, `AWSEvents.PutEvents`,
 * `AWSStepFunctions.StartExecution`), errors come back as `__type` bodies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VirtualClock } from './clock';

/** An error the emulated API answers with: its exception name, message and HTTP status. */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    /** Members the API's exception carries besides the message (resourceId, fieldList, ...). */
    readonly members: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = type;
  }
}

/** Who is calling: the access key id the request was signed with (SigV4 Credential). */
export interface Caller {
  accessKeyId: string;
}

export type Operation = (input: Record<string, unknown>, caller: Caller) => unknown;
export type ServiceOperations = Record<string, Operation>;

export interface ApiFault {
  operation: string;
  error: string;
  status: number;
  /** The first N matching calls … */
  times?: number;
  /** … or every matching call until this many virtual seconds after the faults were set. */
  untilSeconds?: number;
  /** Only this share of the matching calls (by the seeded random). */
  rate?: number;
}

export interface ApiCall {
  service: string;
  operation: string;
  input: Record<string, unknown>;
  /** Virtual time of the call. */
  at: Date;
  error?: string;
}

/** Converts Date values to the epoch seconds AWS JSON protocols use for timestamps. */
function serialise(value: unknown): string {
  return JSON.stringify(value, function (key, v: unknown) {
    const raw = (this as Record<string, unknown>)[key];
    return raw instanceof Date ? raw.getTime() / 1000 : v;
  });
}

/** The access key id in a SigV4 Authorization header: `Credential=AKID/date/region/service/aws4_request`. */
function signingKey(authorization: string | undefined): string {
  const match = /Credential=([^/,\s]+)\//.exec(String(authorization ?? ''));
  return match?.[1] ?? '';
}

export class AwsServer {
  private server: Server | undefined;
  private readonly services = new Map<string, ServiceOperations>();
  readonly calls: ApiCall[] = [];
  url = '';
  private faults: Array<ApiFault & { used: number; until?: number }> = [];
  private random: () => number = Math.random;
  /** Faults injected so far, by operation. */
  readonly injected = new Map<string, number>();

  constructor(private readonly clock: VirtualClock) {}

  /** Answers the first `times` calls of an operation with the given exception (world file `faults`). */
  injectFaults(faults: ApiFault[], random: () => number = Math.random): void {
    const now = this.clock.now().getTime();
    this.random = random;
    this.faults = faults.map((fault) => ({ ...fault, used: 0, until: fault.untilSeconds === undefined ? undefined : now + fault.untilSeconds * 1000 }));
  }

  private injectedFault(operation: string): AwsError | undefined {
    const now = this.clock.now().getTime();
    const fault = this.faults.find(
      (f) =>
        (f.operation === operation || f.operation === '*') &&
        (f.until !== undefined ? now < f.until : f.used < (f.times ?? 0)),
    );
    if (!fault) return undefined;
    if (fault.rate !== undefined && this.random() >= fault.rate) return undefined;
    fault.used++;
    this.injected.set(operation, (this.injected.get(operation) ?? 0) + 1);
    return new AwsError(fault.error, `Injected ${fault.error}`, fault.status);
  }

  register(targetPrefix: string, operations: ServiceOperations): void {
    this.services.set(targetPrefix, operations);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.clock.track(() => this.handle(req, res));
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = await this.dispatch(req.headers as Record<string, string | undefined>, Buffer.concat(chunks).toString('utf8'));
    res.writeHead(answer.statusCode, answer.headers).end(answer.body);
  }

  /** One API call, whichever way it arrived: the operation named by X-Amz-Target, JSON in, JSON out. */
  private async dispatch(headers: Record<string, string | undefined>, body: string): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
    const target = String(headers['x-amz-target'] ?? '');
    const contentType = String(headers['content-type'] ?? 'application/x-amz-json-1.1');
    const [prefix, operationName] = target.split('.') as [string, string | undefined];
    const answer = (statusCode: number, payload: unknown, errorType?: string) => {
      const responseHeaders: Record<string, string> = { 'content-type': contentType, 'x-amzn-requestid': crypto.randomUUID() };
      if (errorType) responseHeaders['x-amzn-errortype'] = errorType;
      return { statusCode, headers: responseHeaders, body: serialise(payload) };
    };
    let input: Record<string, unknown> = {};
    const call: ApiCall = { service: prefix, operation: operationName ?? '', input, at: this.clock.now() };
    try {
      input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      call.input = input;
      const operation = this.services.get(prefix)?.[operationName ?? ''];
      if (!operation) throw new AwsError('UnknownOperationException', `The local stack does not emulate ${target}`);
      this.calls.push(call);
      const fault = this.injectedFault(call.operation);
      if (fault) throw fault;
      return answer(200, await operation(input, { accessKeyId: signingKey(headers.authorization) }));
    } catch (error) {
      const e = error instanceof AwsError ? error : new AwsError('InternalFailure', String((error as Error).stack ?? error), 500);
      call.error = e.type;
      return answer(e.status, { ...e.members, __type: e.type, message: e.message }, e.type);
    }
  }

  /**
   * An SDK request handler that hands the signed, serialised request to the
   * emulator in-process instead of over a socket: the real clients still
   * build, sign and parse every call; only the loopback TCP round trip is
   * skipped (it was a quarter of the local stack's CPU time).
   */
  inProcessHandler() {
    return {
      handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
        // The SDK may hand over bytes; read them as bytes (its byte arrays warn when treated as strings).
        const bytes = request.body as Uint8Array | string | undefined;
        const body = typeof bytes === 'string' ? bytes : bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') : '';
        const answer = await this.clock.track(() => this.dispatch(headers, body));
        return { response: { statusCode: answer.statusCode, headers: answer.headers, body: Buffer.from(answer.body) } };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
      destroy: () => undefined,
    };
  }
}
