/**
 * One loopback HTTP endpoint for the emulated AWS APIs. The real SDK clients
 * reach it through their `endpoint` option and speak each service's protocol
 * as they would to AWS: AWS JSON, where the operation is named by the
 * X-Amz-Target header (`CloudApiService.CreateResource`, `AWSEvents.PutEvents`,
 * `AWSStepFunctions.StartExecution`) and errors come back as `__type` bodies;
 * or the AWS Query protocol (STS), where a form names the `Action` and the
 * answer is XML (query-protocol.ts), the service known by the signing name in
 * the request's SigV4 credential scope.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VirtualClock } from './clock';
import { FaultSchedule, type FaultWindow } from './faults';
import { checkInput, inputRefusal } from './models/check';
import { errorStatus, modelForTarget } from './models';
import { parseForm, queryError, queryInput, queryResponse } from './query-protocol';
import { SDK_REQUEST_TIMEOUT_MS } from '../../shared/runtime/clients/defaults';

/**
 * An error the emulated API answers with: its exception name, message and
 * HTTP status. Leave the status out: the server answers with the one the
 * service's model gives the error (local/emulators/models), or the one AWS documents
 * for a common error.
 */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status?: number,
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

export interface ApiFault extends FaultWindow {
  operation: string;
  error: string;
  /** HTTP status; the service model's (or the common error's) for `error` when not given. */
  status?: number;
  /** `before`: the call fails before the service acts; `after`: the service acts, then the answer is lost. */
  when?: 'before' | 'after';
  /** No answer at all: the caller times out. */
  hang?: boolean;
}

/**
 * Who is making calls through an in-process handler. A Lambda instance's
 * calls are subject to the world's faults; a call that hangs waits (as idle
 * time) for the SDK's request timeout, or forever once the instance is dead
 * (a frozen sandbox never gets its answer). The harness (tests, the CLI
 * publishing requests) calls without faults: it plays the producers, not
 * Shepherd.
 */
export interface CallContext {
  subjectToFaults: boolean;
  /** False once the calling Lambda instance was killed: its calls never answer. */
  alive?: () => boolean;
  /** Waits out the client's request timeout on virtual time (idle meanwhile), then the call fails with TimeoutError. */
  waitForRequestTimeout?: (ms: number) => Promise<void>;
  /** Ends the calling instance's activity forever (a call from a dead instance). */
  freeze?: () => void;
}

export const HARNESS: CallContext = { subjectToFaults: false };

type Answer = { statusCode: number; headers: Record<string, string>; body: string };

export interface ApiCall {
  service: string;
  operation: string;
  input: Record<string, unknown>;
  /** Virtual time of the call. */
  at: Date;
  /** What the caller got instead of an answer: an exception's name, or NoAnswer (a hang). */
  error?: string;
  /** Whether the service acted on it (false for calls refused, faulted before acting, or hung before acting). */
  applied: boolean;
  /** The answer's body as the caller got it (JSON as on the wire, errors included); kept only while `recordOutputs` is on. */
  output?: unknown;
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

/** The service a SigV4 Authorization header was signed for: `Credential=AKID/date/region/<service>/aws4_request`. */
function signingService(authorization: string | undefined): string {
  const match = /Credential=[^/,\s]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(String(authorization ?? ''));
  return match?.[1] ?? '';
}

export class AwsServer {
  private server: Server | undefined;
  private readonly services = new Map<string, ServiceOperations>();
  readonly calls: ApiCall[] = [];
  /** Keep each call's answer body in `calls` (the contract tests read them; off by default to spare memory). */
  recordOutputs = false;
  url = '';
  private faults: FaultSchedule<ApiFault>;
  private requestSequence = 0;

  constructor(private readonly clock: VirtualClock) {
    this.faults = new FaultSchedule([], clock, () => 0);
  }

  /** Faults injected so far, by operation. */
  get injected(): Map<string, number> {
    return this.faults.struck;
  }

  /** The world file's `faults`: calls of an operation answered with an exception, after the service acted, or not at all. */
  injectFaults(faults: ApiFault[], random: () => number): void {
    this.faults = new FaultSchedule(faults, this.clock, random);
  }

  register(targetPrefix: string, operations: ServiceOperations): void {
    this.services.set(targetPrefix, operations);
  }

  /** The operations served, by X-Amz-Target prefix. */
  get served(): Record<string, string[]> {
    return Object.fromEntries([...this.services].map(([prefix, operations]) => [prefix, Object.keys(operations)]));
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
    const answer = await this.dispatch(req.headers as Record<string, string | undefined>, Buffer.concat(chunks).toString('utf8'), HARNESS);
    if ('hang' in answer) return; // not reachable: harness calls see no faults
    res.writeHead(answer.statusCode, answer.headers).end(answer.body);
  }

  /**
   * One API call, whichever way it arrived: the operation named by
   * X-Amz-Target, JSON in, JSON out; or no answer at all (a hang fault).
   */
  private async dispatch(headers: Record<string, string | undefined>, body: string, context: CallContext): Promise<Answer | { hang: true }> {
    const target = String(headers['x-amz-target'] ?? '');
    const contentType = String(headers['content-type'] ?? 'application/x-amz-json-1.1');
    // No X-Amz-Target and a form body: the AWS Query protocol, the operation in the form's Action.
    const form = !target && contentType.startsWith('application/x-www-form-urlencoded') ? parseForm(body) : undefined;
    const [prefix, operationName] = form ? [signingService(headers.authorization), form.get('Action')] : (target.split('.') as [string, string | undefined]);
    const queryModel = form ? modelForTarget(prefix) : undefined;
    const answer = (statusCode: number, payload: unknown, errorType?: string, call?: ApiCall): Answer => {
      // Request ids from a counter: a run repeats for its seed.
      const requestId = `local-${++this.requestSequence}`;
      if (form) {
        const namespace = queryModel?.xmlNamespace ?? '';
        const xml = errorType
          ? queryError(namespace, errorType, String((payload as { message?: unknown }).message ?? ''), statusCode, requestId)
          : queryResponse(namespace, operationName ?? '', payload, requestId);
        if (call && this.recordOutputs) call.output = errorType ? { __type: errorType, message: (payload as { message?: unknown }).message } : JSON.parse(serialise(payload));
        return { statusCode, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: xml };
      }
      const responseHeaders: Record<string, string> = { 'content-type': contentType, 'x-amzn-requestid': requestId };
      if (errorType) responseHeaders['x-amzn-errortype'] = errorType;
      const body = serialise(payload);
      if (call && this.recordOutputs) call.output = JSON.parse(body);
      return { statusCode, headers: responseHeaders, body };
    };
    const failure = (error: unknown, call?: ApiCall): Answer => {
      const e = error instanceof AwsError ? error : new AwsError('InternalFailure', String((error as Error).stack ?? error));
      if (call) call.error = e.type;
      return answer(e.status ?? errorStatus(prefix, e.type), { ...e.members, __type: e.type, message: e.message }, e.type, call);
    };
    let input: Record<string, unknown> = {};
    const call: ApiCall = { service: prefix, operation: operationName ?? '', input, at: this.clock.now(), applied: false };
    try {
      // A query form is read by the operation's input shape (numbers typed, unknown keys dropped, as AWS does).
      input = form ? queryInput(queryModel!, queryModel?.operations[operationName ?? '']?.input, form) : body ? (JSON.parse(body) as Record<string, unknown>) : {};
      call.input = input;
    } catch (error) {
      return failure(new AwsError('SerializationException', `Malformed JSON: ${(error as Error).message}`));
    }
    if (form && !queryModel?.operations[operationName ?? '']) return failure(new AwsError('InvalidAction', `The local stack does not emulate ${prefix} ${operationName ?? '(no Action)'}`, 400));
    const operation = this.services.get(prefix)?.[operationName ?? ''];
    if (!operation) return failure(new AwsError('UnknownOperationException', `The local stack does not emulate ${target}`));
    this.calls.push(call);
    const fault = context.subjectToFaults
      ? this.faults.strike((f) => f.operation === call.operation || f.operation === '*', call.operation)
      : undefined;
    const refusal = (f: ApiFault) => {
      if (!f.hang) return failure(new AwsError(f.error, `Injected ${f.error}`, f.status), call);
      call.error = 'NoAnswer';
      return { hang: true } as const;
    };
    if (fault && fault.when !== 'after') return refusal(fault);
    let result: Answer;
    try {
      // AWS checks a request against the model before the operation runs (models/check.ts).
      const model = modelForTarget(prefix);
      const problems = model ? checkInput(model, call.operation, input) : [];
      if (problems.length) {
        const refusal = inputRefusal(model!, problems);
        throw new AwsError(refusal.type, refusal.message, undefined, refusal.members);
      }
      result = answer(200, await operation(input, { accessKeyId: signingKey(headers.authorization) }), undefined, call);
      call.applied = true;
    } catch (error) {
      result = failure(error, call);
    }
    // The service acted; the answer is lost on the way back.
    return fault ? refusal(fault) : result;
  }

  /**
   * An SDK request handler that hands the signed, serialised request to the
   * emulator in-process instead of over a socket: the real clients still
   * build, sign and parse every call; only the loopback TCP round trip is
   * skipped (it was a quarter of the local stack's CPU time).
   */
  inProcessHandler(context: CallContext = HARNESS, requestTimeoutMs = SDK_REQUEST_TIMEOUT_MS) {
    return {
      handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
        if (context.alive && !context.alive()) return frozen(context);
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
        // The SDK may hand over bytes; read them as bytes (its byte arrays warn when treated as strings).
        const bytes = request.body as Uint8Array | string | undefined;
        const body = typeof bytes === 'string' ? bytes : bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') : '';
        const answer = await this.clock.track(() => this.dispatch(headers, body, context));
        if ('hang' in answer) {
          await context.waitForRequestTimeout?.(requestTimeoutMs);
          if (context.alive && !context.alive()) return frozen(context);
          // What the SDK's Node HTTP handler raises when requestTimeout passes without an answer.
          throw Object.assign(new Error(`Connection timed out after ${requestTimeoutMs} ms`), { name: 'TimeoutError' });
        }
        return { response: { statusCode: answer.statusCode, headers: answer.headers, body: Buffer.from(answer.body) } };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
      destroy: () => undefined,
    };
  }
}

/** A call from a killed Lambda instance: it never answers, and the instance stays frozen. */
function frozen(context: CallContext): Promise<never> {
  context.freeze?.();
  return new Promise<never>(() => undefined);
}
