/**
 * Emulated AWS Service Catalog: portfolio shares and Organizations access.
 *
 * The organization (root, OUs, accounts) and the portfolios come from the
 * world file. A share to an account answers at once; a share to an
 * organization node returns a PortfolioShareToken and runs NOT_STARTED →
 * IN_PROGRESS → COMPLETED | COMPLETED_WITH_ERRORS | ERROR over a time that
 * grows with the accounts it reaches, with per-account errors chosen by the
 * world. The service's rules hold: one share action per portfolio at a time
 * (InvalidStateException), no organization shares unless Organizations
 * access is ENABLED, Enable/Disable pass through UNDER_CHANGE, and
 * ListOrganizationPortfolioAccess shows what the finished shares did.
 *
 * The recipient's side runs in the recipient account (a caller signed with a
 * session of a role there, sts.ts): AcceptPortfolioShare and
 * RejectPortfolioShare of an IMPORTED share need an account share offered to
 * that account, of an AWS_ORGANIZATIONS one a finished organization-node
 * share that reaches it; AWS_SERVICECATALOG "Not supported. (Throws
 * ResourceNotFoundException.)" (API reference, seeds/003).
 * ListAcceptedPortfolioShares lists the IMPORTED portfolios the account
 * accepted and still has, the AWS_ORGANIZATIONS ones that reach it (shares
 * through the organization need no acceptance) unless it rejected them, and
 * the world's default portfolios for AWS_SERVICECATALOG. What AWS does to the
 * owner's share on a reject is not documented: the emulator keeps the offer
 * (the owner still sees it) and drops the acceptance, the reading that loses
 * nothing. Deleting an account share drops the recipient's acceptance.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../shared/runtime/clock';
import { AwsError, type Caller, type ServiceOperations } from './aws-server';
import { evaluateIdentityPolicy } from './iam-policy';
import type { SessionIdentity } from './sts';
import type { ServiceCatalogWorld, World } from './world';

type NodeType = 'ORGANIZATION' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';
type ShareStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'ERROR';
type AccessStatus = 'ENABLED' | 'UNDER_CHANGE' | 'DISABLED';
type ShareOperation = 'CREATE' | 'UPDATE' | 'DELETE';

interface Node {
  type: NodeType;
  value: string;
}

interface ShareFlags {
  shareTagOptions: boolean;
  sharePrincipals: boolean;
}

export interface ShareAction {
  token: string;
  portfolioId: string;
  operation: ShareOperation;
  node: Node;
  accounts: string[];
  startsAt: number;
  completesAt: number;
  /** account → its ShareErrors entry. */
  failures: Map<string, { error: string; message: string }>;
  /** The whole action failed (Status ERROR). */
  actionError?: { error: string; message: string };
  flags?: Partial<ShareFlags>;
  applied: boolean;
}

interface Portfolio {
  id: string;
  /** Account-to-account shares (AccountId). */
  accountShares: Map<string, ShareFlags>;
  /** Organization node shares, key `${type}:${value}`, once their create completed. */
  nodeShares: Map<string, Node & ShareFlags>;
}

/** The account the local stack's handlers run as: by default the organization's management account. */
export const MANAGEMENT_ACCOUNT_ID = '000000000000';
const ROOT_ID = 'r-root';
/** ListOrganizationPortfolioAccess pages hold at most 20 nodes (botocore servicecatalog model: PageSize 0..20). */
const ORGANIZATION_ACCESS_PAGE_MAX = 20;
/**
 * ListAcceptedPortfolioShares and ListPortfolioAccess pages: at most 100 (the model's PageSizeMax100, checked before
 * the operation runs); the size of a page asked without PageSize is not documented, so the emulator uses a small
 * one (20) and callers must follow NextPageToken.
 */
const PAGE_DEFAULT = 20;

/** One page of `items` as PageSize and PageToken (the offset this emulator hands out) ask; a token it never gave is refused. */
function pageOf<T>(items: T[], input: Record<string, unknown>): { page: T[]; next?: string } {
  const pageSize = Number(input.PageSize ?? PAGE_DEFAULT) || PAGE_DEFAULT;
  const offset = Number(input.PageToken ?? 0);
  if (!Number.isInteger(offset) || offset < 0 || offset > items.length) throw new AwsError('InvalidParametersException', 'The page token is not valid.');
  return { page: items.slice(offset, offset + pageSize), next: offset + pageSize < items.length ? String(offset + pageSize) : undefined };
}

type ShareType = 'IMPORTED' | 'AWS_ORGANIZATIONS' | 'AWS_SERVICECATALOG';

/** A recipient account's side: what it accepted, and the organization shares it rejected. */
interface Recipient {
  importedAccepted: Set<string>;
  organizationRejected: Set<string>;
  defaultPortfolios: string[];
}

/**
 * Who may call what, from the API reference (seeds/003, and the current
 * pages): Enable/Disable/GetAWSOrganizationsAccessStatus "can only be called
 * by the management account in the organization" (a delegated administrator
 * is expressly not authorized to enable); organization-node shares,
 * DescribePortfolioShareStatus and ListOrganizationPortfolioAccess by the
 * management account or a delegated administrator.
 */
const ORGANIZATION_CALLERS: Record<string, 'management' | 'management-or-delegated'> = {
  EnableAWSOrganizationsAccess: 'management',
  DisableAWSOrganizationsAccess: 'management',
  GetAWSOrganizationsAccessStatus: 'management',
  DescribePortfolioShareStatus: 'management-or-delegated',
  ListOrganizationPortfolioAccess: 'management-or-delegated',
  OrganizationNodeShare: 'management-or-delegated',
};

const PATTERNS = {
  PortfolioId: /^[a-zA-Z0-9_-]{1,100}$/,
  AccountId: /^[0-9]{12}$/,
  AcceptLanguage: /^(en|jp|zh)$/,
};

function validate(input: Record<string, unknown>, required: string[]): void {
  const problems: string[] = [];
  for (const field of required) {
    if (input[field] === undefined || input[field] === null) problems.push(`${field} is required`);
  }
  for (const [field, pattern] of Object.entries(PATTERNS)) {
    const value = input[field];
    if (value !== undefined && (typeof value !== 'string' || !pattern.test(value))) {
      problems.push(`${field} '${String(value).slice(0, 64)}' does not satisfy ${pattern.source}`);
    }
  }
  const node = input.OrganizationNode as { Type?: unknown; Value?: unknown } | undefined;
  if (node !== undefined && (!['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT'].includes(String(node.Type)) || typeof node.Value !== 'string')) {
    problems.push('OrganizationNode needs Type ORGANIZATION | ORGANIZATIONAL_UNIT | ACCOUNT and a Value');
  }
  if (problems.length) throw new AwsError('InvalidParametersException', problems.join('; '));
}

/** Deterministic ids for accounts a world gives as a count: 1 + OU number (4 digits) + serial (7 digits). */
function generatedAccountId(unitIndex: number, serial: number): string {
  return `1${String(unitIndex + 1).padStart(4, '0')}${String(serial).padStart(7, '0')}`;
}

export class ServiceCatalogEmulator {
  readonly portfolios = new Map<string, Portfolio>();
  readonly actions = new Map<string, ShareAction>();
  private readonly config: ServiceCatalogWorld;
  /** OU id → parent id (ROOT_ID for top level). */
  private readonly parents = new Map<string, string>();
  /** Node id (root or OU) → accounts directly in it. */
  private readonly members = new Map<string, string[]>();
  private readonly allAccounts = new Set<string>();
  private access: { status: AccessStatus; target?: 'ENABLED' | 'DISABLED'; settlesAt?: number };
  private actionErrorsUsed = 0;
  private tokens = 0;
  private readonly recipients = new Map<string, Recipient>();
  private readonly worldAccounts: World['accounts'];
  /** When the world's portfolios were created: the run's start. */
  private readonly createdAt: Date;

  constructor(
    world: World,
    private readonly clock: Clock,
    private readonly seed: number,
    /** Who a call is signed by (the local stack's identities); the management account's administrator when unknown. */
    private readonly identify: (caller: Caller) => SessionIdentity | undefined = () => undefined,
  ) {
    this.config = world.serviceCatalog;
    this.worldAccounts = world.accounts;
    this.createdAt = clock.now();
    this.access = { status: this.config.organizationsAccess };
    const { organization } = this.config;
    this.members.set(ROOT_ID, [...new Set([organization.managementAccount, MANAGEMENT_ACCOUNT_ID, ...organization.accounts])]);
    organization.units.forEach((unit, index) => {
      this.parents.set(unit.id, unit.parent ?? ROOT_ID);
      const accounts = typeof unit.accounts === 'number' ? Array.from({ length: unit.accounts }, (_, i) => generatedAccountId(index, i)) : unit.accounts;
      this.members.set(unit.id, accounts);
    });
    for (const unit of organization.units) {
      if (unit.parent && !this.parents.has(unit.parent)) throw new Error(`world: OU ${unit.id} has unknown parent ${unit.parent}`);
    }
    for (const accounts of this.members.values()) accounts.forEach((a) => this.allAccounts.add(a));
    for (const id of this.config.portfolios) this.portfolios.set(id, { id, accountShares: new Map(), nodeShares: new Map() });
    for (const [id, accounts] of Object.entries(this.config.accountShares)) {
      const portfolio = this.portfolios.get(id);
      if (!portfolio) throw new Error(`world: serviceCatalog.accountShares names portfolio ${id}, which is not in serviceCatalog.portfolios`);
      for (const account of accounts) portfolio.accountShares.set(account, { shareTagOptions: false, sharePrincipals: false });
    }
    for (const outside of this.config.outsideShares) {
      if (!this.portfolios.has(outside.portfolioId)) throw new Error(`world: serviceCatalog.outsideShares names portfolio ${outside.portfolioId}, which is not in serviceCatalog.portfolios`);
      if (!this.nodeExists(outside.organizationNode)) throw new Error(`world: serviceCatalog.outsideShares names ${outside.organizationNode.type} ${outside.organizationNode.value}, which the organization does not have`);
      const action = this.startAction(outside.operation, outside.portfolioId, outside.organizationNode, {});
      this.actions.delete(action.token);
      this.actions.set(outside.portfolioShareToken, { ...action, token: outside.portfolioShareToken });
    }
  }

  operations(): ServiceOperations {
    const wrap =
      <T>(operation: string, fn: (input: Record<string, unknown>) => T) =>
      (input: Record<string, unknown>, caller: Caller) => {
        const nodeShare = operation.endsWith('PortfolioShare') && input.OrganizationNode !== undefined;
        this.assertOrganizationCaller(nodeShare ? 'OrganizationNodeShare' : operation, caller);
        this.applyFinishedActions();
        return fn(input);
      };
    return {
      CreatePortfolioShare: wrap('CreatePortfolioShare', (input) => this.share('CREATE', input)),
      UpdatePortfolioShare: wrap('UpdatePortfolioShare', (input) => this.share('UPDATE', input)),
      DeletePortfolioShare: wrap('DeletePortfolioShare', (input) => this.share('DELETE', input)),
      DescribePortfolioShareStatus: wrap('DescribePortfolioShareStatus', (input) => this.describeShareStatus(input)),
      ListOrganizationPortfolioAccess: wrap('ListOrganizationPortfolioAccess', (input) => this.listOrganizationPortfolioAccess(input)),
      EnableAWSOrganizationsAccess: wrap('EnableAWSOrganizationsAccess', () => this.changeAccess('ENABLED')),
      DisableAWSOrganizationsAccess: wrap('DisableAWSOrganizationsAccess', () => this.changeAccess('DISABLED')),
      GetAWSOrganizationsAccessStatus: wrap('GetAWSOrganizationsAccessStatus', () => ({ AccessStatus: this.accessStatus() })),
      AcceptPortfolioShare: (input, caller) => this.answerOffer('AcceptPortfolioShare', input, caller),
      RejectPortfolioShare: (input, caller) => this.answerOffer('RejectPortfolioShare', input, caller),
      ListAcceptedPortfolioShares: (input, caller) => this.listAccepted(input, caller),
      ListPortfolioAccess: wrap('ListPortfolioAccess', (input) => this.listPortfolioAccess(input)),
    };
  }

  /** The account a call is signed from: a session's own account; the management account for callers the stack does not know. */
  private accountOf(caller: Caller): string {
    return this.callerIn(caller).account;
  }

  /** The caller, refused when its session expired; unknown callers are the management account's administrator. */
  private callerIn(caller: Caller): { account: string; identity?: SessionIdentity } {
    const identity = this.identify(caller);
    if (identity?.expiresAt !== undefined && this.clock.now().getTime() >= identity.expiresAt) {
      throw new AwsError('ExpiredTokenException', 'The security token included in the request is expired');
    }
    return { account: identity?.account ?? MANAGEMENT_ACCOUNT_ID, identity };
  }

  /** A recipient-side call, held to the caller's own permissions (a spoke role's session: what its policy allows). */
  private recipientCaller(operation: string, caller: Caller): string {
    const { account, identity } = this.callerIn(caller);
    if (identity?.policy) {
      const decision = evaluateIdentityPolicy(identity.policy, {
        principalArn: identity.principalArn,
        principalAccount: identity.account,
        action: `servicecatalog:${operation}`,
        resource: '*',
        keys: {},
      });
      if (!decision.allowed) {
        throw new AwsError('AccessDeniedException', `User: ${identity.principalArn} is not authorized to perform: servicecatalog:${operation}`);
      }
    }
    return account;
  }

  private recipient(account: string): Recipient {
    let recipient = this.recipients.get(account);
    if (!recipient) {
      const configured = this.worldAccounts?.[account];
      recipient = {
        importedAccepted: new Set(configured?.accepted.IMPORTED ?? []),
        organizationRejected: new Set(),
        defaultPortfolios: configured?.defaultPortfolios ?? [],
      };
      this.recipients.set(account, recipient);
    }
    return recipient;
  }

  /** Whether a finished organization-node share of the portfolio reaches the account. */
  private reachedThroughOrganization(portfolio: Portfolio, account: string): boolean {
    return [...portfolio.nodeShares.values()].some((node) => this.accountsOf(node).includes(account));
  }

  private answerOffer(operation: 'AcceptPortfolioShare' | 'RejectPortfolioShare', input: Record<string, unknown>, caller: Caller) {
    const account = this.recipientCaller(operation, caller);
    this.applyFinishedActions();
    validate(input, ['PortfolioId']);
    const type = (input.PortfolioShareType ?? 'IMPORTED') as ShareType;
    const portfolioId = String(input.PortfolioId);
    const notFound = () => new AwsError('ResourceNotFoundException', `Portfolio ${portfolioId} has no ${type} share offered to account ${account}.`);
    if (type === 'AWS_SERVICECATALOG') throw new AwsError('ResourceNotFoundException', 'PortfolioShareType AWS_SERVICECATALOG is not supported.');
    const portfolio = this.portfolios.get(portfolioId);
    const recipient = this.recipient(account);
    if (type === 'IMPORTED') {
      if (!portfolio?.accountShares.has(account)) throw notFound();
      if (operation === 'AcceptPortfolioShare') recipient.importedAccepted.add(portfolioId);
      else recipient.importedAccepted.delete(portfolioId);
      return {};
    }
    if (!portfolio || !this.reachedThroughOrganization(portfolio, account)) throw notFound();
    if (operation === 'AcceptPortfolioShare') recipient.organizationRejected.delete(portfolioId);
    else recipient.organizationRejected.add(portfolioId);
    return {};
  }

  /**
   * ListPortfolioAccess (botocore servicecatalog): the accounts with access to the portfolio. Without
   * OrganizationParentId, its account shares (what CreatePortfolioShare with AccountId made); with it, "all children
   * of this node with an inherited portfolio share" — the accounts under a node the portfolio is shared with
   * (an unshared node: ResourceNotFoundException, the safe reading of an undocumented answer). Paged as pageOf says.
   */
  private listPortfolioAccess(input: Record<string, unknown>) {
    validate(input, ['PortfolioId']);
    const portfolio = this.portfolio(input);
    let accounts: string[];
    if (typeof input.OrganizationParentId === 'string') {
      const parent = input.OrganizationParentId;
      const share = [...portfolio.nodeShares.values()].find((node) => node.value === parent);
      if (!share) throw new AwsError('ResourceNotFoundException', `Portfolio ${portfolio.id} is not shared with ${parent}.`);
      accounts = this.accountsOf(share);
    } else accounts = [...portfolio.accountShares.keys()];
    accounts.sort();
    const { page, next } = pageOf(accounts, input);
    return { AccountIds: page, NextPageToken: next };
  }

  private listAccepted(input: Record<string, unknown>, caller: Caller) {
    const account = this.recipientCaller('ListAcceptedPortfolioShares', caller);
    this.applyFinishedActions();
    validate(input, []);
    const type = (input.PortfolioShareType ?? 'IMPORTED') as ShareType;
    const recipient = this.recipient(account);
    const ids =
      type === 'AWS_SERVICECATALOG'
        ? recipient.defaultPortfolios
        : [...this.portfolios.values()]
            .filter((p) =>
              type === 'IMPORTED'
                ? recipient.importedAccepted.has(p.id) && p.accountShares.has(account)
                : this.reachedThroughOrganization(p, account) && !recipient.organizationRejected.has(p.id),
            )
            .map((p) => p.id);
    const { page, next } = pageOf(ids, input);
    const details = page.map((id) => ({
      Id: id,
      ARN: `arn:aws:catalog:us-east-1:${this.config.organization.managementAccount}:portfolio/${id}`,
      DisplayName: id,
      CreatedTime: this.createdAt,
      ProviderName: 'Shepherd local',
    }));
    return { PortfolioDetails: details, NextPageToken: next };
  }

  /**
   * Refuses an organization API called from an account that may not call it.
   * AWS's exact answer from a member account is not documented; the emulator
   * answers OperationNotSupportedException (an error these operations model)
   * with the reference's own sentence.
   */
  private assertOrganizationCaller(operation: string, caller: Caller): void {
    const rule = ORGANIZATION_CALLERS[operation];
    if (!rule) return;
    const account = this.accountOf(caller);
    const { managementAccount, delegatedAdministrators } = this.config.organization;
    if (account === managementAccount) return;
    if (rule === 'management-or-delegated' && delegatedAdministrators.includes(account)) return;
    throw new AwsError(
      'OperationNotSupportedException',
      rule === 'management'
        ? `This API can only be called by the management account in the organization (${account} is not ${managementAccount}).`
        : `This API can only be called by the management account in the organization or by a delegated administrator (${account} is neither).`,
    );
  }

  /** Accounts an organization node reaches: the organization, an OU and its descendants, or one account. */
  accountsOf(node: Node): string[] {
    switch (node.type) {
      case 'ACCOUNT':
        return this.allAccounts.has(node.value) ? [node.value] : [];
      case 'ORGANIZATION':
        return [...this.allAccounts].filter((a) => a !== this.config.organization.managementAccount);
      case 'ORGANIZATIONAL_UNIT': {
        const units = [node.value];
        for (let i = 0; i < units.length; i++) {
          for (const [child, parent] of this.parents) if (parent === units[i]) units.push(child);
        }
        return units.flatMap((unit) => this.members.get(unit) ?? []);
      }
    }
  }

  private nodeExists(node: Node): boolean {
    switch (node.type) {
      case 'ORGANIZATION':
        return node.value === this.config.organization.id;
      case 'ORGANIZATIONAL_UNIT':
        return this.parents.has(node.value);
      case 'ACCOUNT':
        return this.allAccounts.has(node.value);
    }
  }

  accessStatus(): AccessStatus {
    const now = this.clock.now().getTime();
    if (this.access.status === 'UNDER_CHANGE' && this.access.settlesAt !== undefined && now >= this.access.settlesAt) {
      this.access = { status: this.access.target! };
    }
    return this.access.status;
  }

  private changeAccess(target: 'ENABLED' | 'DISABLED'): Record<string, never> {
    const status = this.accessStatus();
    if (status === 'UNDER_CHANGE') throw new AwsError('InvalidStateException', 'AWS Organizations access is already being changed.');
    if (status !== target) {
      this.access = { status: 'UNDER_CHANGE', target, settlesAt: this.clock.now().getTime() + this.config.accessChangeSeconds * 1000 };
    }
    return {};
  }

  private portfolio(input: Record<string, unknown>): Portfolio {
    const portfolio = this.portfolios.get(String(input.PortfolioId));
    if (!portfolio) throw new AwsError('ResourceNotFoundException', `Portfolio ${String(input.PortfolioId)} not found.`);
    return portfolio;
  }

  /** The action on this portfolio still running, if any: the service allows one at a time. */
  private runningAction(portfolioId: string): ShareAction | undefined {
    const now = this.clock.now().getTime();
    for (const action of this.actions.values()) {
      if (action.portfolioId === portfolioId && now < action.completesAt) return action;
    }
    return undefined;
  }

  private share(operation: ShareOperation, input: Record<string, unknown>) {
    validate(input, ['PortfolioId']);
    if ((input.AccountId === undefined) === (input.OrganizationNode === undefined)) {
      throw new AwsError('InvalidParametersException', 'You must provide either AccountId or OrganizationNode, but not both.');
    }
    const portfolio = this.portfolio(input);
    const flags = { shareTagOptions: input.ShareTagOptions as boolean | undefined, sharePrincipals: input.SharePrincipals as boolean | undefined };
    if (operation === 'UPDATE' && flags.shareTagOptions === undefined && flags.sharePrincipals === undefined) {
      throw new AwsError('InvalidParametersException', 'Provide ShareTagOptions or SharePrincipals to update.');
    }
    const running = this.runningAction(portfolio.id);
    if (running) {
      const sameTarget = running.operation === 'CREATE' && input.OrganizationNode && (input.OrganizationNode as { Value?: string }).Value === running.node.value;
      throw new AwsError(
        'InvalidStateException',
        operation === 'UPDATE' && sameTarget
          ? 'The portfolio share cannot be updated while its creation is IN_PROGRESS.'
          : 'Cannot process more than one portfolio share action at the same time.',
      );
    }
    if (typeof input.AccountId === 'string') return this.accountShare(operation, portfolio, input.AccountId, flags);

    const raw = input.OrganizationNode as { Type: NodeType; Value: string };
    // The model's OrganizationNodeValue admits an OU or organization ARN as well as its id (terraform-provider-aws
    // passes ARNs through): the node is the id at the ARN's end.
    const node: Node = { type: raw.Type, value: /^arn:[^:]+:organizations::/.test(raw.Value) ? raw.Value.split('/').pop()! : raw.Value };
    if (flags.sharePrincipals !== undefined && node.type === 'ACCOUNT') {
      // "This parameter is only supported for portfolios with an OrganizationalNode Type of ORGANIZATION or
      // ORGANIZATIONAL_UNIT" (botocore servicecatalog, SharePrincipals): refused, the safe reading of "not supported".
      throw new AwsError('InvalidParametersException', 'SharePrincipals is only supported for organization nodes of type ORGANIZATION or ORGANIZATIONAL_UNIT.');
    }
    if (this.accessStatus() !== 'ENABLED') {
      throw new AwsError('OperationNotSupportedException', 'AWS Organizations access is not enabled: portfolios cannot be shared with organization nodes.');
    }
    if (!this.nodeExists(node)) throw new AwsError('InvalidParametersException', `Organization node ${node.type} ${node.value} was not found.`);
    const key = `${node.type}:${node.value}`;
    if (operation !== 'CREATE' && !portfolio.nodeShares.has(key)) {
      throw new AwsError('ResourceNotFoundException', `Portfolio ${portfolio.id} is not shared with ${node.type} ${node.value}.`);
    }
    // "If the portfolio share with the specified account or organization node already exists, this action will
    // have no effect and will not return an error" (botocore servicecatalog, CreatePortfolioShare): the action
    // runs as any other, and changes nothing.
    const noEffect = operation === 'CREATE' && portfolio.nodeShares.has(key);
    const action = this.startAction(operation, portfolio.id, node, noEffect ? {} : flags);
    return operation === 'UPDATE' ? { PortfolioShareToken: action.token, Status: 'NOT_STARTED' } : { PortfolioShareToken: action.token };
  }

  /** Account-to-account shares happen at once (Create/Delete return no token; Update returns a completed one). */
  private accountShare(operation: ShareOperation, portfolio: Portfolio, accountId: string, flags: Partial<ShareFlags>) {
    const existing = portfolio.accountShares.get(accountId);
    switch (operation) {
      case 'CREATE':
        // An existing share is left as it is: CreatePortfolioShare "will have no effect" then (botocore).
        if (!existing) portfolio.accountShares.set(accountId, { shareTagOptions: flags.shareTagOptions ?? false, sharePrincipals: false });
        return {};
      case 'DELETE':
        if (!existing) throw new AwsError('ResourceNotFoundException', `Portfolio ${portfolio.id} is not shared with account ${accountId}.`);
        portfolio.accountShares.delete(accountId);
        // The recipient loses what it accepted with the share.
        this.recipients.get(accountId)?.importedAccepted.delete(portfolio.id);
        return {};
      case 'UPDATE': {
        if (!existing) throw new AwsError('ResourceNotFoundException', `Portfolio ${portfolio.id} is not shared with account ${accountId}.`);
        portfolio.accountShares.set(accountId, { ...existing, shareTagOptions: flags.shareTagOptions ?? existing.shareTagOptions });
        const now = this.clock.now().getTime();
        const action: ShareAction = {
          token: this.newToken(),
          portfolioId: portfolio.id,
          operation,
          node: { type: 'ACCOUNT', value: accountId },
          accounts: [accountId],
          startsAt: now,
          completesAt: now,
          failures: new Map(),
          applied: true,
        };
        this.actions.set(action.token, action);
        return { PortfolioShareToken: action.token, Status: 'COMPLETED' };
      }
    }
  }

  private newToken(): string {
    this.tokens++;
    return `share-${createHash('sha256').update(`${this.seed}:${this.tokens}`).digest('hex').slice(0, 13)}`;
  }

  private startAction(operation: ShareOperation, portfolioId: string, node: Node, flags: Partial<ShareFlags>): ShareAction {
    const { shares } = this.config;
    const now = this.clock.now().getTime();
    const accounts = this.accountsOf(node);
    const seconds = shares.startSeconds + shares.minSeconds + shares.secondsPerAccount * accounts.length;
    const action: ShareAction = {
      token: this.newToken(),
      portfolioId,
      operation,
      node,
      accounts,
      startsAt: now + shares.startSeconds * 1000,
      completesAt: now + seconds * 1000,
      failures: this.plannedFailures(accounts),
      flags,
      applied: false,
    };
    if (shares.error && (shares.error.times === undefined || this.actionErrorsUsed < shares.error.times)) {
      this.actionErrorsUsed++;
      action.actionError = { error: shares.error.error, message: shares.error.message ?? `The share action failed: ${shares.error.error}` };
    }
    this.actions.set(action.token, action);
    return action;
  }

  /** Which of the target's accounts fail, by the world's rules; a rate picks exactly round(rate × n), stable for a seed. */
  private plannedFailures(accounts: string[]): Map<string, { error: string; message: string }> {
    const failures = new Map<string, { error: string; message: string }>();
    const rank = (account: string) => createHash('sha1').update(`${this.seed}:${account}`).digest().readUInt32BE(0);
    for (const rule of this.config.shares.accountFailures) {
      const candidates = accounts.filter((a) => !failures.has(a));
      let chosen: string[] = [];
      if (rule.accounts) chosen = candidates.filter((a) => rule.accounts!.includes(a));
      if (rule.rate !== undefined) {
        const count = Math.round(rule.rate * accounts.length);
        chosen = [...candidates].sort((a, b) => rank(a) - rank(b)).slice(0, count);
      }
      for (const account of chosen) failures.set(account, { error: rule.error, message: rule.message });
    }
    return failures;
  }

  private statusOf(action: ShareAction, now: number): ShareStatus {
    if (now < action.startsAt) return 'NOT_STARTED';
    if (now < action.completesAt) return 'IN_PROGRESS';
    if (action.actionError) return 'ERROR';
    return action.failures.size > 0 ? 'COMPLETED_WITH_ERRORS' : 'COMPLETED';
  }

  /** Finished actions change the portfolio's shares (what ListOrganizationPortfolioAccess shows). */
  private applyFinishedActions(): void {
    const now = this.clock.now().getTime();
    for (const action of this.actions.values()) {
      if (action.applied || now < action.completesAt) continue;
      action.applied = true;
      if (action.actionError) continue;
      const portfolio = this.portfolios.get(action.portfolioId)!;
      const key = `${action.node.type}:${action.node.value}`;
      const current = portfolio.nodeShares.get(key) ?? { ...action.node, shareTagOptions: false, sharePrincipals: false };
      if (action.operation === 'DELETE') portfolio.nodeShares.delete(key);
      else {
        portfolio.nodeShares.set(key, {
          ...current,
          shareTagOptions: action.flags?.shareTagOptions ?? current.shareTagOptions,
          sharePrincipals: action.flags?.sharePrincipals ?? current.sharePrincipals,
        });
      }
    }
  }

  private describeShareStatus(input: Record<string, unknown>) {
    validate(input, ['PortfolioShareToken']);
    const action = this.actions.get(String(input.PortfolioShareToken));
    if (!action) throw new AwsError('ResourceNotFoundException', `Portfolio share ${String(input.PortfolioShareToken)} not found.`);
    const now = this.clock.now().getTime();
    const status = this.statusOf(action, now);
    // Progress: accounts are processed in order over the action's time.
    const span = Math.max(1, action.completesAt - action.startsAt);
    const processed = status === 'NOT_STARTED' ? 0 : Math.min(action.accounts.length, Math.floor(((now - action.startsAt) / span) * action.accounts.length));
    const done = status === 'IN_PROGRESS' ? action.accounts.slice(0, processed) : status === 'NOT_STARTED' ? [] : action.accounts;
    const grouped = new Map<string, { Error: string; Message: string; Accounts: string[] }>();
    const successful: string[] = [];
    for (const account of status === 'ERROR' ? [] : done) {
      const failure = action.failures.get(account);
      if (!failure) {
        successful.push(account);
        continue;
      }
      const key = `${failure.error}\n${failure.message}`;
      const group = grouped.get(key) ?? { Error: failure.error, Message: failure.message, Accounts: [] };
      group.Accounts.push(account);
      grouped.set(key, group);
    }
    if (status === 'ERROR') grouped.set('action', { Error: action.actionError!.error, Message: action.actionError!.message, Accounts: [] });
    return {
      PortfolioShareToken: action.token,
      PortfolioId: action.portfolioId,
      OrganizationNodeValue: action.node.value,
      Status: status,
      ShareDetails: { SuccessfulShares: successful, ShareErrors: [...grouped.values()] },
    };
  }

  private listOrganizationPortfolioAccess(input: Record<string, unknown>) {
    validate(input, ['PortfolioId', 'OrganizationNodeType']);
    const portfolio = this.portfolio(input);
    const pageSize = Math.min(ORGANIZATION_ACCESS_PAGE_MAX, Number(input.PageSize ?? ORGANIZATION_ACCESS_PAGE_MAX));
    const offset = Number(input.PageToken ?? 0);
    const nodes = [...portfolio.nodeShares.values()]
      .filter((node) => node.type === input.OrganizationNodeType)
      .map((node) => ({ Type: node.type, Value: node.value }));
    const page = nodes.slice(offset, offset + pageSize);
    return { OrganizationNodes: page, NextPageToken: offset + pageSize < nodes.length ? String(offset + pageSize) : undefined };
  }
}
