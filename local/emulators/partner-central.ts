/**
 * Emulated AWS Partner Central Channel API (AWS JSON 1.0): program
 * management accounts with revisions. UpdateProgramManagementAccount
 * enforces the documented constraints (ValidationException with a
 * fieldList), optimistic concurrency on `revision` (ConflictException with
 * the resource named), unknown accounts (ResourceNotFoundException) and
 * accounts the caller may not change (AccessDeniedException); each update
 * bumps the revision.
 */
import type { Clock } from '../../shared/runtime/clock';
import { AwsError, type ServiceOperations } from './aws-server';
import type { World } from './world';
import { MANAGEMENT_ACCOUNT_ID } from './service-catalog';

interface ProgramManagementAccount {
  catalog: string;
  id: string;
  displayName: string;
  revision: string;
  denied: boolean;
  updatedAt?: Date;
}

const CATALOGS = ['AWS', 'Sandbox'];
const IDENTIFIER = /^(arn:[a-z-]+:partnercentral:[a-z0-9-]+:[0-9]{12}:catalog\/([a-zA-Z]+)\/program-management-account\/)?(pma-[a-z0-9]{13})$/;

interface FieldProblem {
  name: string;
  code: string;
  message: string;
}

function validate(input: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const check = (name: string, required: boolean, min: number, max: number, pattern: RegExp) => {
    const value = input[name];
    if (value === undefined || value === null) {
      if (required) problems.push({ name, code: 'REQUIRED', message: `${name} is required` });
      return;
    }
    if (typeof value !== 'string' || value.length < min || value.length > max) {
      problems.push({ name, code: 'INVALID_LENGTH', message: `${name} must be ${min}-${max} characters` });
    } else if (!pattern.test(value)) {
      problems.push({ name, code: 'INVALID_PATTERN', message: `${name} must match ${pattern.source}` });
    }
  };
  check('catalog', true, 1, 64, /^[a-zA-Z]*$/);
  check('identifier', true, 17, 1011, IDENTIFIER);
  // eslint-disable-next-line no-control-regex -- control characters are what this pattern rejects
  check('displayName', false, 1, 30, /^[^\x00-\x1F\x7F]*$/);
  check('revision', false, 1, 10, /^[0-9]*$/);
  return problems;
}

export class PartnerCentralEmulator {
  readonly accounts = new Map<string, ProgramManagementAccount>();

  constructor(
    world: World,
    private readonly clock: Clock,
    private readonly region: string,
  ) {
    for (const pma of world.partnerCentral.programManagementAccounts) this.accounts.set(pma.id, { ...pma });
  }

  arnOf(pma: ProgramManagementAccount): string {
    return `arn:aws:partnercentral:${this.region}:${MANAGEMENT_ACCOUNT_ID}:catalog/${pma.catalog}/program-management-account/${pma.id}`;
  }

  operations(): ServiceOperations {
    return {
      UpdateProgramManagementAccount: (input) => this.update(input),
      ListProgramManagementAccounts: (input) => ({
        items: [...this.accounts.values()]
          .filter((a) => a.catalog === input.catalog)
          .map((a) => ({ id: a.id, arn: this.arnOf(a), catalog: a.catalog, displayName: a.displayName, revision: a.revision })),
      }),
    };
  }

  private update(input: Record<string, unknown>) {
    const problems = validate(input);
    if (problems.length === 0 && !CATALOGS.includes(String(input.catalog))) {
      problems.push({ name: 'catalog', code: 'INVALID_VALUE', message: `catalog must be one of ${CATALOGS.join(', ')}` });
    }
    const match = IDENTIFIER.exec(String(input.identifier ?? ''));
    if (problems.length === 0 && match?.[2] && match[2] !== input.catalog) {
      problems.push({ name: 'identifier', code: 'INVALID_VALUE', message: `the identifier's catalog ${match[2]} is not ${String(input.catalog)}` });
    }
    if (problems.length) {
      throw new AwsError('ValidationException', `${problems.length} validation error(s)`, undefined, {
        reason: problems.some((p) => p.code === 'INVALID_VALUE') ? 'BUSINESS_VALIDATION_FAILED' : 'REQUEST_VALIDATION_FAILED',
        fieldList: problems,
      });
    }
    const id = match![3]!;
    const pma = this.accounts.get(id);
    if (!pma || pma.catalog !== input.catalog) {
      throw new AwsError('ResourceNotFoundException', `Program management account ${id} not found`, undefined, { resourceId: id, resourceType: 'ProgramManagementAccount' });
    }
    if (pma.denied) throw new AwsError('AccessDeniedException', `Not authorized to update ${id}`, undefined, { reason: 'INSUFFICIENT_PERMISSIONS' });
    if (input.revision !== undefined && input.revision !== pma.revision) {
      throw new AwsError('ConflictException', `Revision ${String(input.revision)} is stale: ${id} is at revision ${pma.revision}`, undefined, {
        resourceId: id,
        resourceType: 'ProgramManagementAccount',
      });
    }
    if (typeof input.displayName === 'string') pma.displayName = input.displayName;
    pma.revision = String(Number(pma.revision) + 1);
    pma.updatedAt = this.clock.now();
    return { programManagementAccountDetail: { arn: this.arnOf(pma), id: pma.id, displayName: pma.displayName, revision: pma.revision } };
  }
}
