import type { PropertyType } from './types.ts';

/**
 * The CRM objects the simulator serves, in one table: what HubSpot calls each one, its
 * properties, which of them HubSpot maintains, which a request without `properties` returns, and
 * which a create must carry. This models HubSpot (its public developer documentation), not
 * Tandem: Tandem's object descriptors are deliberately not read here.
 *
 * Sources: "Understanding the CRM" / each object's "object definition" page (object type ids
 * 0-1 contacts, 0-2 companies, 0-3 deals, 0-5 tickets, 0-7 products, 0-123 orders, 0-53 invoices);
 * "Search the CRM" (the default properties a search returns per object); the object guides for
 * required properties: tickets "should include subject ... hs_pipeline_stage" (we require both,
 * hs_pipeline defaults to the default pipeline "0"), invoices "the only property required for
 * creating a draft invoice is hs_currency"; products, orders, contacts, companies and deals
 * require none over the API. Activities ("Activities | Notes/Tasks/Calls/Meetings" guides): object
 * type ids 0-46 notes, 0-27 tasks, 0-48 calls, 0-47 meetings; each requires `hs_timestamp`;
 * property names as the guides list them (hs_note_body; hs_task_subject/body/status/priority/
 * type; hs_call_title/body/direction/duration; hs_meeting_title/body/start_time/end_time;
 * hubspot_owner_id). Their default properties here are a guess (the docs do not list them).
 */

/** One property as `[name, label, type, fieldType, options?]`. */
export type Spec = [
  name: string,
  label: string,
  type: PropertyType,
  fieldType: string,
  options?: string[],
];

export interface ServedObject {
  /** HubSpot's object type id (`0-1`), accepted in paths as the plural and singular names are. */
  readonly typeId: string;
  readonly singular: string;
  /** The upper-case noun some messages use ("Could not get some CONTACT objects"). */
  readonly noun: string;
  /** The default property group the simulator files properties in. */
  readonly group: string;
  readonly properties: readonly Spec[];
  /** HubSpot-maintained, read-only properties. */
  readonly builtIns: readonly Spec[];
  /** Returned when a read or search names no property. */
  readonly defaults: readonly string[];
  /** A create without one of these is refused with 400. */
  readonly required: readonly string[];
  /** Set on create when the input has no value ("the default pipeline will be used"). */
  readonly createDefaults: Readonly<Record<string, string>>;
}

const LIFECYCLE_STAGES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
];
const DEAL_STAGES = [
  'appointmentscheduled',
  'qualifiedtobuy',
  'presentationscheduled',
  'decisionmakerboughtin',
  'contractsent',
  'closedwon',
  'closedlost',
];
/** The default ticket pipeline ("0") and its stages' internal ids (New, Waiting on contact, ...). */
const TICKET_STAGES = ['1', '2', '3', '4'];
const TICKET_PRIORITIES = ['LOW', 'MEDIUM', 'HIGH'];
const INVOICE_STATUSES = ['draft', 'open', 'paid', 'voided'];

const created: Spec = ['createdate', 'Create Date', 'datetime', 'date'];
const modified: Spec = ['hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date'];
const recordId: Spec = ['hs_object_id', 'Record ID', 'number', 'number'];
const standard = [created, modified, recordId];
/** Every engagement's own time (required on create) and owner ("Activities" guides). */
const timestamp: Spec = ['hs_timestamp', 'Activity date', 'datetime', 'date'];
const owner: Spec = ['hubspot_owner_id', 'Activity assigned to', 'string', 'text'];
const TASK_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'];
const TASK_PRIORITIES = ['NONE', 'LOW', 'MEDIUM', 'HIGH'];

export const SERVED = {
  contacts: {
    typeId: '0-1',
    singular: 'contact',
    noun: 'CONTACT',
    group: 'contactinformation',
    properties: [
      ['email', 'Email', 'string', 'text'],
      ['firstname', 'First Name', 'string', 'text'],
      ['lastname', 'Last Name', 'string', 'text'],
      ['phone', 'Phone Number', 'string', 'phonenumber'],
      ['company', 'Company Name', 'string', 'text'],
      ['city', 'City', 'string', 'text'],
      ['country', 'Country/Region', 'string', 'text'],
      ['lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', LIFECYCLE_STAGES],
    ],
    // Contacts carry `lastmodifieddate`; the simulator also keeps `hs_lastmodifieddate` on them so
    // a connector may filter either one.
    builtIns: [
      created,
      ['lastmodifieddate', 'Last Modified Date', 'datetime', 'date'],
      ['hs_lastmodifieddate', 'Object last modified date/time', 'datetime', 'date'],
      recordId,
    ],
    defaults: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    required: [],
    createDefaults: {},
  },
  companies: {
    typeId: '0-2',
    singular: 'company',
    noun: 'COMPANY',
    group: 'companyinformation',
    properties: [
      ['name', 'Company name', 'string', 'text'],
      ['domain', 'Company Domain Name', 'string', 'text'],
      ['phone', 'Phone Number', 'string', 'phonenumber'],
      ['city', 'City', 'string', 'text'],
      ['country', 'Country/Region', 'string', 'text'],
      ['industry', 'Industry', 'string', 'text'],
    ],
    builtIns: standard,
    defaults: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
    required: [],
    createDefaults: {},
  },
  deals: {
    typeId: '0-3',
    singular: 'deal',
    noun: 'DEAL',
    group: 'dealinformation',
    properties: [
      ['dealname', 'Deal Name', 'string', 'text'],
      ['amount', 'Amount', 'number', 'number'],
      ['dealstage', 'Deal Stage', 'enumeration', 'radio', DEAL_STAGES],
      ['closedate', 'Close Date', 'datetime', 'date'],
      ['pipeline', 'Pipeline', 'enumeration', 'select', ['default']],
    ],
    builtIns: standard,
    defaults: [
      'amount',
      'closedate',
      'createdate',
      'dealname',
      'dealstage',
      'hs_lastmodifieddate',
      'hs_object_id',
      'pipeline',
    ],
    required: [],
    createDefaults: {},
  },
  products: {
    typeId: '0-7',
    singular: 'product',
    noun: 'PRODUCT',
    group: 'productinformation',
    properties: [
      ['name', 'Name', 'string', 'text'],
      ['description', 'Description', 'string', 'textarea'],
      ['price', 'Unit price', 'number', 'number'],
      ['hs_sku', 'SKU', 'string', 'text'],
      ['hs_cost_of_goods_sold', 'Unit cost', 'number', 'number'],
    ],
    builtIns: standard,
    defaults: ['createdate', 'description', 'hs_lastmodifieddate', 'hs_object_id', 'name', 'price'],
    required: [],
    createDefaults: {},
  },
  tickets: {
    typeId: '0-5',
    singular: 'ticket',
    noun: 'TICKET',
    group: 'ticketinformation',
    properties: [
      ['subject', 'Ticket name', 'string', 'text'],
      ['content', 'Ticket description', 'string', 'textarea'],
      ['hs_pipeline', 'Pipeline', 'enumeration', 'select', ['0']],
      ['hs_pipeline_stage', 'Ticket status', 'enumeration', 'select', TICKET_STAGES],
      ['hs_ticket_priority', 'Priority', 'enumeration', 'select', TICKET_PRIORITIES],
      ['hs_ticket_category', 'Category', 'string', 'text'],
    ],
    builtIns: standard,
    defaults: [
      'content',
      'createdate',
      'hs_lastmodifieddate',
      'hs_object_id',
      'hs_pipeline',
      'hs_pipeline_stage',
      'hs_ticket_category',
      'hs_ticket_priority',
      'subject',
    ],
    required: ['subject', 'hs_pipeline_stage'],
    createDefaults: { hs_pipeline: '0' },
  },
  orders: {
    typeId: '0-123',
    singular: 'order',
    noun: 'ORDER',
    group: 'orderinformation',
    properties: [
      ['hs_order_name', 'Name', 'string', 'text'],
      ['hs_currency_code', 'Currency code', 'string', 'text'],
      ['hs_total_price', 'Total', 'number', 'number'],
      ['hs_pipeline', 'Pipeline', 'string', 'text'],
      ['hs_pipeline_stage', 'Stage', 'string', 'text'],
      ['hs_source_store', 'Source store', 'string', 'text'],
      ['hs_external_order_id', 'External order ID', 'string', 'text'],
    ],
    builtIns: standard,
    defaults: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    required: [],
    createDefaults: {},
  },
  invoices: {
    typeId: '0-53',
    singular: 'invoice',
    noun: 'INVOICE',
    group: 'invoiceinformation',
    properties: [
      ['hs_currency', 'Currency', 'string', 'text'],
      ['hs_number', 'Number', 'string', 'text'],
      ['hs_invoice_status', 'Invoice status', 'enumeration', 'select', INVOICE_STATUSES],
      ['hs_due_date', 'Due date', 'date', 'date'],
      ['hs_amount_billed', 'Amount billed', 'number', 'number'],
    ],
    builtIns: standard,
    defaults: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    required: ['hs_currency'],
    createDefaults: { hs_invoice_status: 'draft' },
  },
  notes: {
    typeId: '0-46',
    singular: 'note',
    noun: 'NOTE',
    group: 'engagement',
    properties: [['hs_note_body', 'Note body', 'string', 'html'], timestamp, owner],
    builtIns: standard,
    defaults: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    required: ['hs_timestamp'],
    createDefaults: {},
  },
  tasks: {
    typeId: '0-27',
    singular: 'task',
    noun: 'TASK',
    group: 'task',
    properties: [
      ['hs_task_subject', 'Task Title', 'string', 'text'],
      ['hs_task_body', 'Notes', 'string', 'html'],
      ['hs_task_status', 'Task Status', 'enumeration', 'select', TASK_STATUSES],
      ['hs_task_priority', 'Priority', 'enumeration', 'select', TASK_PRIORITIES],
      ['hs_task_type', 'Task Type', 'enumeration', 'select', ['EMAIL', 'CALL', 'TODO']],
      timestamp,
      owner,
    ],
    builtIns: standard,
    defaults: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    required: ['hs_timestamp'],
    createDefaults: {},
  },
  calls: {
    typeId: '0-48',
    singular: 'call',
    noun: 'CALL',
    group: 'call',
    properties: [
      ['hs_call_title', 'Call Title', 'string', 'text'],
      ['hs_call_body', 'Call notes', 'string', 'html'],
      ['hs_call_direction', 'Call direction', 'enumeration', 'select', ['INBOUND', 'OUTBOUND']],
      ['hs_call_duration', 'Call duration', 'number', 'number'],
      timestamp,
      owner,
    ],
    builtIns: standard,
    defaults: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    required: ['hs_timestamp'],
    createDefaults: {},
  },
  meetings: {
    typeId: '0-47',
    singular: 'meeting',
    noun: 'MEETING',
    group: 'meeting',
    properties: [
      ['hs_meeting_title', 'Meeting name', 'string', 'text'],
      ['hs_meeting_body', 'Meeting description', 'string', 'html'],
      ['hs_meeting_start_time', 'Start Time', 'datetime', 'date'],
      ['hs_meeting_end_time', 'End Time', 'datetime', 'date'],
      timestamp,
      owner,
    ],
    builtIns: standard,
    defaults: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    required: ['hs_timestamp'],
    createDefaults: {},
  },
} satisfies Record<string, ServedObject>;

/**
 * An object type the simulator serves: a built-in object's plural name (`contacts`), or a custom
 * object's fully qualified name (`p<portalId>_<name>`, custom-objects.ts), unique across
 * simulators because each simulator has its own portal id.
 */
export type ObjectType = string;

/** The built-in objects, in the table's order. */
export const OBJECT_TYPES: readonly ObjectType[] = Object.keys(SERVED);

const BUILT_IN: ReadonlyMap<string, ServedObject> = new Map(Object.entries(SERVED));

/**
 * Custom objects defined at run time (`POST /crm/v3/schemas`), by fully qualified name. Module
 * state shared by every simulator in the process; the names carry their simulator's portal id,
 * so two simulators never see each other's objects (object-types.ts checks the portal).
 */
const CUSTOM = new Map<ObjectType, ServedObject & { readonly portalId: number }>();

export function isBuiltIn(type: ObjectType): boolean {
  return BUILT_IN.has(type);
}

export function served(type: ObjectType): ServedObject {
  const found = BUILT_IN.get(type) ?? CUSTOM.get(type);
  if (!found) throw new Error(`hubspot simulator: no object ${type}`);
  return found;
}

/** Adds a custom object to the table (custom-objects.ts has made the schema). */
export function addServed(type: ObjectType, portalId: number, object: ServedObject): void {
  CUSTOM.set(type, { ...object, portalId });
}

export function removeServed(type: ObjectType): void {
  CUSTOM.delete(type);
}

/** The custom object whose name or object type id is `raw`, if one of this portal's. */
export function findCustom(
  raw: string,
  portalId: number,
): (ServedObject & { readonly portalId: number; readonly name: ObjectType }) | undefined {
  for (const [name, o] of CUSTOM) {
    if (o.portalId === portalId && (name === raw || o.typeId === raw)) return { ...o, name };
  }
  return undefined;
}
