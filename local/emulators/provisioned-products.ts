/**
 * Emulated Service Catalog provisioned products: UpdateProvisionedProductProperties,
 * DescribeRecord and ListRecordHistory.
 *
 * A property update creates a record that goes CREATED → IN_PROGRESS →
 * SUCCEEDED (or IN_PROGRESS_IN_ERROR → FAILED) over the product's update
 * time, and applies the new launch role or owner when it succeeds. The
 * IdempotencyToken returns the same record for the same request. Who may
 * read records follows the API reference: the caller is the principal the
 * request was signed as (world `principals`; any other key is the
 * administrator, who sees everything). The current owner can describe every
 * record of the product; a previous owner can no longer DescribeRecord but
 * still lists, with ListRecordHistory, the records from when they were owner.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../shared/runtime/clock';
import { AwsError, type Caller, type ServiceOperations } from './aws-server';
import type { World } from './world';
import { MANAGEMENT_ACCOUNT_ID } from './service-catalog';

type RecordStatus = 'CREATED' | 'IN_PROGRESS' | 'IN_PROGRESS_IN_ERROR' | 'SUCCEEDED' | 'FAILED';

interface ProductRecord {
  id: string;
  productId: string;
  type: string;
  /** The product's owner when the record was created: who may still list it later. */
  owner: string;
  createdAt: number;
  startsAt: number;
  completesAt: number;
  properties?: Record<string, string>;
  failure?: { code: string; description?: string };
  idempotencyToken?: string;
  applied: boolean;
}

interface Product {
  id: string;
  name: string;
  owner: string;
  launchRole?: string;
  updateSeconds: number;
  failure?: { code: string; description?: string; times?: number };
  failuresUsed: number;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::([0-9]{12}):role\/[\w+=,.@/-]+$/;
const USER_ARN = /^arn:aws[a-z-]*:iam::([0-9]{12}):user\/[\w+=,.@/-]+$/;
const ASSUMED_ROLE_ARN = /^arn:aws[a-z-]*:sts::([0-9]{12}):assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+$/;
const FINAL = new Set<RecordStatus>(['SUCCEEDED', 'FAILED']);

export class ProvisionedProductEmulator {
  readonly products = new Map<string, Product>();
  readonly records = new Map<string, ProductRecord>();
  private readonly principals: Record<string, string>;
  private serial = 0;

  constructor(
    world: World,
    private readonly clock: Clock,
    private readonly seed: number,
  ) {
    this.principals = world.serviceCatalog.principals;
    const start = clock.now().getTime();
    for (const [id, p] of Object.entries(world.serviceCatalog.provisionedProducts)) {
      this.products.set(id, { id, name: p.name ?? id, owner: p.owner, launchRole: p.launchRole, updateSeconds: p.updateSeconds, failure: p.failure, failuresUsed: 0 });
      for (let i = 0; i < p.history; i++) {
        const at = start - (p.history - i) * 3600_000;
        this.addRecord({ productId: id, type: i === 0 ? 'PROVISION_PRODUCT' : 'UPDATE_PROVISIONED_PRODUCT', owner: p.owner, createdAt: at, startsAt: at, completesAt: at, applied: true });
      }
    }
    for (const outside of world.serviceCatalog.outsideRecords) {
      const product = this.products.get(outside.provisionedProductId);
      if (!product) throw new Error(`world: serviceCatalog.outsideRecords names ${outside.provisionedProductId}, which is not in serviceCatalog.provisionedProducts`);
      this.records.set(outside.recordId, {
        id: outside.recordId, productId: product.id, type: outside.recordType, owner: product.owner, createdAt: start,
        startsAt: start + Math.min(1, outside.remainingSeconds) * 1000, completesAt: start + outside.remainingSeconds * 1000,
        failure: outside.failure, applied: false,
      });
    }
  }

  operations(): ServiceOperations {
    return {
      UpdateProvisionedProductProperties: (input) => this.updateProperties(input),
      DescribeRecord: (input, caller) => this.describeRecord(input, caller),
      ListRecordHistory: (input, caller) => this.listRecordHistory(input, caller),
    };
  }

  /** The principal a request was signed as; undefined for the administrator. */
  principalOf(caller: Caller): string | undefined {
    return this.principals[caller.accessKeyId];
  }

  private addRecord(fields: Omit<ProductRecord, 'id'>): ProductRecord {
    this.serial++;
    const id = `rec-${createHash('sha256').update(`${this.seed}:record:${this.serial}`).digest('hex').slice(0, 13)}`;
    const record = { id, ...fields };
    this.records.set(id, record);
    return record;
  }

  private statusOf(record: ProductRecord, now: number): RecordStatus {
    if (now < record.startsAt) return 'CREATED';
    if (now < record.completesAt) {
      const halfway = record.startsAt + (record.completesAt - record.startsAt) / 2;
      return record.failure && now >= halfway ? 'IN_PROGRESS_IN_ERROR' : 'IN_PROGRESS';
    }
    return record.failure ? 'FAILED' : 'SUCCEEDED';
  }

  /** Succeeded property updates change the product (and so who may read its records). */
  private applyFinishedRecords(): void {
    const now = this.clock.now().getTime();
    for (const record of this.records.values()) {
      if (record.applied || now < record.completesAt) continue;
      record.applied = true;
      if (record.failure || !record.properties) continue;
      const product = this.products.get(record.productId)!;
      if (record.properties.OWNER) product.owner = record.properties.OWNER;
      if (record.properties.LAUNCH_ROLE) product.launchRole = record.properties.LAUNCH_ROLE;
    }
  }

  private updateProperties(input: Record<string, unknown>) {
    this.applyFinishedRecords();
    const problems: string[] = [];
    const productId = input.ProvisionedProductId;
    const token = input.IdempotencyToken;
    const properties = input.ProvisionedProductProperties as Record<string, unknown> | undefined;
    if (typeof productId !== 'string' || !/^[a-zA-Z0-9_-]{1,100}$/.test(productId)) problems.push('ProvisionedProductId must match ^[a-zA-Z0-9_\\-]*$, 1-100 characters');
    if (typeof token !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,127}$/.test(token)) problems.push('IdempotencyToken must match [a-zA-Z0-9][a-zA-Z0-9_-]*, 1-128 characters');
    if (!properties || typeof properties !== 'object' || Object.keys(properties).length === 0) problems.push('ProvisionedProductProperties is required');
    for (const [key, value] of Object.entries(properties ?? {})) {
      if (key === 'LAUNCH_ROLE' && !(typeof value === 'string' && ROLE_ARN.test(value))) problems.push('LAUNCH_ROLE accepts only an IAM role ARN');
      else if (key === 'OWNER' && !(typeof value === 'string' && [USER_ARN, ROLE_ARN, ASSUMED_ROLE_ARN].some((p) => p.test(value)))) {
        problems.push('OWNER accepts IAM user, IAM role and STS assumed-role ARNs');
      } else if (key === 'OWNER' && typeof value === 'string' && !value.includes(`::${MANAGEMENT_ACCOUNT_ID}:`)) {
        problems.push('OWNER must be an entity in the account that owns the provisioned product');
      } else if (key !== 'LAUNCH_ROLE' && key !== 'OWNER') problems.push(`${key} is not a provisioned product property`);
    }
    if (problems.length) throw new AwsError('InvalidParametersException', problems.join('; '));
    const product = this.products.get(productId as string);
    if (!product) throw new AwsError('ResourceNotFoundException', `Provisioned product ${String(productId)} not found.`);
    const applied = properties as Record<string, string>;

    const previous = [...this.records.values()].find((r) => r.productId === product.id && r.idempotencyToken === token);
    if (previous) return this.updateResponse(previous);

    const now = this.clock.now().getTime();
    const busy = [...this.records.values()].find((r) => r.productId === product.id && !FINAL.has(this.statusOf(r, now)));
    if (busy) throw new AwsError('InvalidStateException', `Provisioned product ${product.id} has an operation in progress (record ${busy.id}).`);

    let failure: ProductRecord['failure'];
    if (product.failure && (product.failure.times === undefined || product.failuresUsed < product.failure.times)) {
      product.failuresUsed++;
      failure = { code: product.failure.code, description: product.failure.description };
    }
    const record = this.addRecord({
      productId: product.id,
      type: 'UPDATE_PROVISIONED_PRODUCT_PROPERTIES',
      owner: product.owner,
      createdAt: now,
      startsAt: now + 1000,
      completesAt: now + product.updateSeconds * 1000,
      properties: applied,
      failure,
      idempotencyToken: token as string,
      applied: false,
    });
    return this.updateResponse(record);
  }

  private updateResponse(record: ProductRecord) {
    return {
      ProvisionedProductId: record.productId,
      ProvisionedProductProperties: record.properties,
      RecordId: record.id,
      Status: this.statusOf(record, this.clock.now().getTime()),
    };
  }

  private recordDetail(record: ProductRecord) {
    const now = this.clock.now().getTime();
    const status = this.statusOf(record, now);
    const product = this.products.get(record.productId)!;
    return {
      RecordId: record.id,
      ProvisionedProductName: product.name,
      ProvisionedProductId: record.productId,
      ProvisionedProductType: 'CFN_STACK',
      RecordType: record.type,
      Status: status,
      CreatedTime: new Date(record.createdAt),
      UpdatedTime: new Date(Math.min(now, record.completesAt)),
      RecordErrors: status === 'FAILED' || status === 'IN_PROGRESS_IN_ERROR' ? [{ Code: record.failure!.code, Description: record.failure!.description }] : [],
    };
  }

  private describeRecord(input: Record<string, unknown>, caller: Caller) {
    this.applyFinishedRecords();
    const record = this.records.get(String(input.Id));
    const principal = this.principalOf(caller);
    // Only the product's current owner (or the administrator) may describe its records.
    if (!record || (principal !== undefined && this.products.get(record.productId)!.owner !== principal)) {
      throw new AwsError('ResourceNotFoundException', `Record ${String(input.Id)} not found.`);
    }
    return { RecordDetail: this.recordDetail(record), RecordOutputs: [] };
  }

  private listRecordHistory(input: Record<string, unknown>, caller: Caller) {
    this.applyFinishedRecords();
    const principal = this.principalOf(caller);
    const filter = input.SearchFilter as { Key?: string; Value?: string } | undefined;
    const visible = [...this.records.values()].filter((record) => {
      if (filter?.Key === 'provisionedproduct' && record.productId !== filter.Value) return false;
      // Key `product` filters by the Service Catalog product id (botocore, ListRecordHistorySearchFilter); the world
      // gives provisioned products none, so no record is of the product asked for.
      if (filter?.Key === 'product') return false;
      if (principal === undefined) return true;
      return this.products.get(record.productId)!.owner === principal || record.owner === principal;
    });
    const pageSize = Math.min(20, Number(input.PageSize ?? 20));
    const offset = Number(input.PageToken ?? 0);
    return {
      RecordDetails: visible.slice(offset, offset + pageSize).map((r) => this.recordDetail(r)),
      NextPageToken: offset + pageSize < visible.length ? String(offset + pageSize) : undefined,
    };
  }
}
