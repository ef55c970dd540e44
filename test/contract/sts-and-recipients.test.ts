/**
 * The emulated STS and the recipient's side of Service Catalog, through the
 * real SDK clients (the STS client speaks the AWS Query protocol: form in,
 * XML out). What is held here comes from AWS's documents, not from
 * Shepherd's code: AssumeRole needs the caller's permission and the role's
 * trust, its conditions included (IAM User Guide, "Cross-account policy
 * evaluation logic"); a role that does not exist answers as one that does not
 * trust the caller; DurationSeconds above MaxSessionDuration fails; a session
 * signs as `arn:aws:sts::<account>:assumed-role/<role>/<session>` in the
 * role's account until its Expiration. AcceptPortfolioShare /
 * RejectPortfolioShare with AWS_SERVICECATALOG throw ResourceNotFoundException
 * (API reference, seeds/003), IMPORTED needs an offer to the account,
 * ListAcceptedPortfolioShares pages (PageSize ≤ 100).
 */
import {
  AcceptPortfolioShareCommand,
  CreatePortfolioShareCommand,
  DeletePortfolioShareCommand,
  ListAcceptedPortfolioSharesCommand,
  ListPortfolioAccessCommand,
  RejectPortfolioShareCommand,
  ServiceCatalogClient,
} from '@aws-sdk/client-service-catalog';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsServer } from '../../local/emulators/aws-server';
import { VirtualClock } from '../../local/emulators/clock';
import type { PolicyStatement } from '../../tooling/serverless-config';
import { ServiceCatalogEmulator } from '../../local/emulators/service-catalog';
import { StsEmulator, type AssumableRole, type SessionIdentity } from '../../local/emulators/sts';
import { parseWorld } from '../../local/emulators/world';

const HUB = '000000000000';
const SPOKE = '444455556666';
const PORTFOLIO = 'port-2abcdext3y5fk';
const OTHER = 'port-otherportf01';
const ROLE = `arn:aws:iam::${SPOKE}:role/shepherd-spoke`;
const CALLER = `arn:aws:iam::${HUB}:role/shepherd-local-acceptShare`;

const trust = (condition: PolicyStatement['Condition'] = { StringEquals: { 'sts:ExternalId': 'ext-ok' }, ArnEquals: { 'aws:PrincipalArn': CALLER } }): PolicyStatement[] => [
  { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${HUB}:root` }, Action: 'sts:AssumeRole', Condition: condition },
];

let server: AwsServer;
let clock: VirtualClock;
/** Virtual time the emulators see past the server's clock: the tests move it (share actions finishing, sessions expiring). */
let skew = 0;
const emulatorClock = { now: () => new Date(clock.now().getTime() + skew) };
let identities: Map<string, SessionIdentity>;
let roles: Map<string, AssumableRole>;

async function start(): Promise<void> {
  skew = 0;
  clock = new VirtualClock({ start: new Date('2026-11-25T09:00:00Z') });
  server = new AwsServer(clock);
  identities = new Map([
    ['hub-fn', { principalArn: CALLER, account: HUB, policy: [{ Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: ['arn:aws:iam::*:role/shepherd-spoke'] }] }],
    ['hub-other', { principalArn: `arn:aws:iam::${HUB}:role/shepherd-local-other`, account: HUB, policy: [{ Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: ['*'] }] }],
    ['hub-nopolicy', { principalArn: CALLER, account: HUB, policy: [] }],
  ]);
  roles = new Map([
    [ROLE, { account: SPOKE, name: 'shepherd-spoke', trust: trust(), maxSessionSeconds: 3600, permissions: [{ Effect: 'Allow', Action: ['servicecatalog:AcceptPortfolioShare', 'servicecatalog:RejectPortfolioShare', 'servicecatalog:ListAcceptedPortfolioShares'], Resource: '*' }] }],
  ]);
  const world = parseWorld({
    serviceCatalog: { portfolios: [PORTFOLIO, OTHER], organization: { accounts: [], units: [{ id: 'ou-wk01-workloads01', accounts: [SPOKE] }] } },
    accounts: { [SPOKE]: { defaultPortfolios: ['port-defaultsc001'] } },
  });
  const identify = (caller: { accessKeyId: string }) => identities.get(caller.accessKeyId);
  const sts = new StsEmulator(emulatorClock, 1, (arn) => roles.get(arn), identify, (key, identity) => void identities.set(key, identity));
  const catalog = new ServiceCatalogEmulator(world, emulatorClock, 1, identify);
  server.register('sts', sts.operations());
  server.register('AWS242ServiceCatalogService', catalog.operations());
  await server.start();
}

const config = (accessKeyId: string, sessionToken?: string) => ({
  endpoint: server.url, region: 'us-east-1', maxAttempts: 1, requestHandler: server.inProcessHandler(),
  credentials: { accessKeyId, secretAccessKey: 'local', ...(sessionToken ? { sessionToken } : {}) },
});
const stsAs = (key: string) => new STSClient(config(key));
const assume = (key = 'hub-fn', overrides: Record<string, unknown> = {}) =>
  stsAs(key).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'req-1', ExternalId: 'ext-ok', DurationSeconds: 900, ...overrides }));
async function spokeCatalog(): Promise<ServiceCatalogClient> {
  const { Credentials } = await assume();
  return new ServiceCatalogClient(config(Credentials!.AccessKeyId!, Credentials!.SessionToken));
}
const owner = () => new ServiceCatalogClient(config('administrator'));
const failure = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: { name: string; $metadata?: { httpStatusCode?: number } }) => `${e.name} ${e.$metadata?.httpStatusCode}`);

beforeEach(start);
afterEach(() => server.stop());

describe('AssumeRole', () => {
  it('hands out a session in the role account, signed as the assumed role, ending when asked', async () => {
    const { Credentials, AssumedRoleUser } = await assume();
    expect(AssumedRoleUser).toEqual({ AssumedRoleId: expect.stringMatching(/^AROA[0-9A-F]{17}:req-1$/), Arn: `arn:aws:sts::${SPOKE}:assumed-role/shepherd-spoke/req-1` });
    expect(Credentials).toMatchObject({ AccessKeyId: expect.stringMatching(/^ASIA/), SecretAccessKey: expect.any(String), SessionToken: expect.any(String) });
    expect(Credentials!.Expiration!.toISOString()).toBe('2026-11-25T09:15:00.000Z');
    expect(identities.get(Credentials!.AccessKeyId!)).toMatchObject({ account: SPOKE, principalArn: AssumedRoleUser!.Arn });
  });

  it.each([
    ['a wrong ExternalId', 'hub-fn', { ExternalId: 'ext-wrong' }],
    ['no ExternalId', 'hub-fn', { ExternalId: undefined }],
    ['a role that does not exist', 'hub-fn', { RoleArn: `arn:aws:iam::${SPOKE}:role/not-there` }],
    ['a role in an account with no such role', 'hub-fn', { RoleArn: 'arn:aws:iam::777788889999:role/shepherd-spoke' }],
    ['a caller the trust does not name', 'hub-other', {}],
    ['a caller whose own policy does not allow it', 'hub-nopolicy', {}],
  ])('refuses %s with AccessDenied (403), naming the caller and the role', async (_label, key, overrides) => {
    const error = await assume(key, overrides).catch((e: Error & { $metadata: { httpStatusCode: number } }) => e);
    expect(error).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect((error as Error).message).toMatch(/^User: arn:aws:iam::000000000000:role\/.+ is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::/);
  });

  it('refuses an unknown caller, a session past MaxSessionDuration and inputs past the model', async () => {
    expect(await failure(assume('nobody'))).toBe('InvalidClientTokenId 403');
    expect(await failure(assume('hub-fn', { DurationSeconds: 3601 }))).toBe('ValidationError 400');
    expect(await failure(assume('hub-fn', { DurationSeconds: 899 }))).toBe('ValidationError 400');
    expect(await failure(assume('hub-fn', { RoleSessionName: 'r' }))).toBe('ValidationError 400');
    expect(await failure(assume('hub-fn', { RoleSessionName: 'x'.repeat(65) }))).toBe('ValidationError 400');
    expect(await failure(assume('hub-fn', { RoleSessionName: 'req 1' }))).toBe('ValidationError 400');
    expect(await failure(assume('hub-fn', { ExternalId: 'e' }))).toBe('ValidationError 400');
    expect(await failure(assume('hub-fn', { ExternalId: 'ext#1' }))).toBe('ValidationError 400');
    // At the limits: 64 characters, 43200 s is within the model (the role's 3600 refuses it, above).
    expect(await failure(assume('hub-fn', { RoleSessionName: 'x'.repeat(64) }))).toBe('no error');
  });

  it('an explicit Deny in the trust wins over its Allow', async () => {
    roles.get(ROLE)!.trust.push({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'ext-ok' } } });
    expect(await failure(assume())).toBe('AccessDenied 403');
  });
});

describe('the recipient account, through a session of its role', () => {
  it('accepts an IMPORTED share offered to it, lists it, and loses it when the owner deletes the share', async () => {
    const catalog = await spokeCatalog();
    expect(await failure(catalog.send(new AcceptPortfolioShareCommand({ PortfolioId: PORTFOLIO })))).toBe('ResourceNotFoundException 400');
    await owner().send(new CreatePortfolioShareCommand({ PortfolioId: PORTFOLIO, AccountId: SPOKE }));
    expect((await catalog.send(new ListAcceptedPortfolioSharesCommand({}))).PortfolioDetails).toEqual([]);
    await catalog.send(new AcceptPortfolioShareCommand({ PortfolioId: PORTFOLIO, PortfolioShareType: 'IMPORTED' }));
    const listed = await catalog.send(new ListAcceptedPortfolioSharesCommand({ PortfolioShareType: 'IMPORTED' }));
    expect(listed.PortfolioDetails).toEqual([expect.objectContaining({ Id: PORTFOLIO, ARN: `arn:aws:catalog:us-east-1:${HUB}:portfolio/${PORTFOLIO}`, CreatedTime: expect.any(Date) })]);
    await catalog.send(new RejectPortfolioShareCommand({ PortfolioId: PORTFOLIO }));
    expect((await catalog.send(new ListAcceptedPortfolioSharesCommand({}))).PortfolioDetails).toEqual([]);
    await catalog.send(new AcceptPortfolioShareCommand({ PortfolioId: PORTFOLIO }));
    await owner().send(new DeletePortfolioShareCommand({ PortfolioId: PORTFOLIO, AccountId: SPOKE }));
    expect((await catalog.send(new ListAcceptedPortfolioSharesCommand({}))).PortfolioDetails).toEqual([]);
    expect(await failure(catalog.send(new AcceptPortfolioShareCommand({ PortfolioId: PORTFOLIO })))).toBe('ResourceNotFoundException 400');
  });

  it('AWS_SERVICECATALOG: accept and reject throw ResourceNotFoundException; the list shows the default portfolios', async () => {
    const catalog = await spokeCatalog();
    expect(await failure(catalog.send(new AcceptPortfolioShareCommand({ PortfolioId: PORTFOLIO, PortfolioShareType: 'AWS_SERVICECATALOG' })))).toBe('ResourceNotFoundException 400');
    expect(await failure(catalog.send(new RejectPortfolioShareCommand({ PortfolioId: PORTFOLIO, PortfolioShareType: 'AWS_SERVICECATALOG' })))).toBe('ResourceNotFoundException 400');
    const listed = await catalog.send(new ListAcceptedPortfolioSharesCommand({ PortfolioShareType: 'AWS_SERVICECATALOG' }));
    expect(listed.PortfolioDetails!.map((p) => p.Id)).toEqual(['port-defaultsc001']);
  });

  it('AWS_ORGANIZATIONS: an OU share that reaches the account is listed without acceptance; reject hides it', async () => {
    const catalog = await spokeCatalog();
    const organizations = () => catalog.send(new ListAcceptedPortfolioSharesCommand({ PortfolioShareType: 'AWS_ORGANIZATIONS' })).then((r) => r.PortfolioDetails!.map((p) => p.Id));
    expect(await failure(catalog.send(new AcceptPortfolioShareCommand({ PortfolioId: PORTFOLIO, PortfolioShareType: 'AWS_ORGANIZATIONS' })))).toBe('ResourceNotFoundException 400');
    await owner().send(new CreatePortfolioShareCommand({ PortfolioId: PORTFOLIO, OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: 'ou-wk01-workloads01' } }));
    expect(await organizations()).toEqual([]); // the share action is still running
    skew += 60_000;
    expect(await organizations()).toEqual([PORTFOLIO]);
    await catalog.send(new RejectPortfolioShareCommand({ PortfolioId: PORTFOLIO, PortfolioShareType: 'AWS_ORGANIZATIONS' }));
    expect(await organizations()).toEqual([]);
    await catalog.send(new AcceptPortfolioShareCommand({ PortfolioId: PORTFOLIO, PortfolioShareType: 'AWS_ORGANIZATIONS' }));
    expect(await organizations()).toEqual([PORTFOLIO]);
  });

  it('pages the accepted shares (PageSize, NextPageToken) and refuses a page size past the model', async () => {
    const many = Array.from({ length: 45 }, (_, i) => `port-many${String(i).padStart(8, '0')}`);
    await server.stop();
    clock = new VirtualClock({ start: new Date('2026-11-25T09:00:00Z') });
    server = new AwsServer(clock);
    const world = parseWorld({ serviceCatalog: { portfolios: many }, accounts: { [SPOKE]: { accepted: { IMPORTED: many } } } });
    const identify = (caller: { accessKeyId: string }) => identities.get(caller.accessKeyId);
    const catalogEmulator = new ServiceCatalogEmulator(world, emulatorClock, 1, identify);
    server.register('sts', new StsEmulator(emulatorClock, 1, (arn) => roles.get(arn), identify, (k, i) => void identities.set(k, i)).operations());
    server.register('AWS242ServiceCatalogService', catalogEmulator.operations());
    await server.start();
    for (const id of many) await owner().send(new CreatePortfolioShareCommand({ PortfolioId: id, AccountId: SPOKE }));
    const catalog = await spokeCatalog();
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await catalog.send(new ListAcceptedPortfolioSharesCommand({ PageToken: token }));
      seen.push(...page.PortfolioDetails!.map((p) => p.Id!));
      token = page.NextPageToken;
      pages++;
    } while (token);
    expect([seen, pages]).toEqual([many, 3]);
    expect(await failure(catalog.send(new ListAcceptedPortfolioSharesCommand({ PageSize: 101 })))).toBe('ValidationException 400');
    expect((await catalog.send(new ListAcceptedPortfolioSharesCommand({ PageSize: 100 }))).PortfolioDetails).toHaveLength(45);
  });

  it('holds a session to its role permissions and to its Expiration', async () => {
    roles.get(ROLE)!.permissions = [{ Effect: 'Allow', Action: ['servicecatalog:ListAcceptedPortfolioShares'], Resource: '*' }];
    const catalog = await spokeCatalog();
    await owner().send(new CreatePortfolioShareCommand({ PortfolioId: PORTFOLIO, AccountId: SPOKE }));
    expect(await failure(catalog.send(new AcceptPortfolioShareCommand({ PortfolioId: PORTFOLIO })))).toBe('AccessDeniedException 403');
    expect(await failure(catalog.send(new ListAcceptedPortfolioSharesCommand({})))).toBe('no error');
    skew += 15 * 60_000;
    expect(await failure(catalog.send(new ListAcceptedPortfolioSharesCommand({})))).toBe('ExpiredTokenException 400');
    // The function's own credentials are the hub account's: Service Catalog sees the owner there, not the recipient.
    expect(identities.get('hub-fn')!.account).toBe(HUB);
  });
});

describe('ListPortfolioAccess (the owner side: who has the portfolio)', () => {
  const pageAll = async (input: { OrganizationParentId?: string; PageSize?: number }) => {
    const accounts: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await owner().send(new ListPortfolioAccessCommand({ PortfolioId: PORTFOLIO, ...input, PageToken: token }));
      accounts.push(...(page.AccountIds ?? []));
      token = page.NextPageToken;
      pages++;
    } while (token);
    return { accounts, pages };
  };

  it('lists the account shares, in pages, and the accounts under a node the portfolio is shared with', async () => {
    expect(await pageAll({})).toEqual({ accounts: [], pages: 1 });
    await owner().send(new CreatePortfolioShareCommand({ PortfolioId: PORTFOLIO, AccountId: SPOKE }));
    await owner().send(new CreatePortfolioShareCommand({ PortfolioId: PORTFOLIO, AccountId: '111122223333' }));
    expect(await pageAll({ PageSize: 1 })).toEqual({ accounts: ['111122223333', SPOKE], pages: 2 });
    expect(await failure(owner().send(new ListPortfolioAccessCommand({ PortfolioId: PORTFOLIO, OrganizationParentId: 'ou-wk01-workloads01' })))).toBe('ResourceNotFoundException 400');
    await owner().send(new CreatePortfolioShareCommand({ PortfolioId: PORTFOLIO, OrganizationNode: { Type: 'ORGANIZATIONAL_UNIT', Value: 'ou-wk01-workloads01' } }));
    skew += 60_000;
    expect(await pageAll({ OrganizationParentId: 'ou-wk01-workloads01' })).toEqual({ accounts: [SPOKE], pages: 1 });
    expect(await failure(owner().send(new ListPortfolioAccessCommand({ PortfolioId: PORTFOLIO, PageSize: 101 })))).toBe('ValidationException 400');
    expect(await failure(owner().send(new ListPortfolioAccessCommand({ PortfolioId: 'port-nosuchportf01' })))).toBe('ResourceNotFoundException 400');
  });
});
