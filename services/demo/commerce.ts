/**
 * The demo's products, deals and orders, as plain data (pure functions, no I/O): seed.ts writes
 * them into the two databases. Products show matching by SKU — one product is in both systems
 * with its SKU in other case and spacing, and another price (a conflict crm wins); the others
 * exist on one side only and are copied. Deals and orders are matched by link only: each side's
 * are copied to the other, carrying their contact, company and deal.
 */

export type Side = 'crm' | 'billing';

export interface DemoProduct {
  readonly name: string;
  readonly sku: string;
  readonly price: string;
  readonly description: string | null;
}

/** The SKU of the one product both systems hold, as crm writes it (billing: ' wid-001 '). */
export const sharedSku = 'WID-001';

const crmProducts: readonly DemoProduct[] = [
  { name: 'Widget', sku: sharedSku, price: '9.99', description: 'The classic widget' },
  { name: 'Gadget', sku: 'GAD-002', price: '24.50', description: null },
  { name: 'Gizmo', sku: 'GIZ-003', price: '5.00', description: 'Small, green' },
  { name: 'Sprocket set', sku: 'SPR-004', price: '12.00', description: 'Twelve sprockets' },
  { name: 'Service hour', sku: 'SRV-100', price: '80.00', description: null },
];

const billingProducts: readonly DemoProduct[] = [
  // The same product as crm's Widget: the SKU differs in case and spacing only.
  { name: 'widget', sku: ` ${sharedSku.toLowerCase()} `, price: '10.49', description: null },
  { name: 'Cable', sku: 'CAB-010', price: '3.50', description: '2 m' },
  { name: 'Adapter', sku: 'ADP  011', price: '7.25', description: null },
];

export function demoProducts(side: Side): readonly DemoProduct[] {
  return side === 'crm' ? crmProducts : billingProducts;
}

/** A deal; `company` and `contact` index the side's company and contact ids (in id order). */
export interface DemoDeal {
  readonly name: string;
  readonly amount: string;
  readonly stage: string;
  readonly company: number;
  readonly contact: number;
}

/**
 * An order; `deal` indexes the side's deals (in id order): the order carries that deal, and the
 * deal's company and contact as its own (seed.ts reads them from the deal's row).
 */
export interface DemoOrder {
  readonly name: string;
  readonly amount: string;
  readonly currency: string;
  readonly status: string;
  readonly deal: number;
}

export interface CommerceSize {
  readonly deals: number;
  readonly orders: number;
}

const stages = ['appointmentscheduled', 'qualifiedtobuy', 'contractsent', 'closedwon'];
const statuses = ['open', 'paid', 'shipped'];

/** Two decimals, as a numeric(12,2) column gives the value back (no echo of a reformatted one). */
const money = (cents: number) => (cents / 100).toFixed(2);

/**
 * The side's deals over `companies` companies and `contacts` contacts (indexes spread over both
 * so deals land on many companies).
 */
export function demoDeals(
  side: Side,
  size: CommerceSize,
  companies: number,
  contacts: number,
): readonly DemoDeal[] {
  if (companies === 0 || contacts === 0) return [];
  const tag = side === 'crm' ? 'C' : 'B';
  return Array.from({ length: size.deals }, (_, k) => ({
    name: `Deal ${tag}-${String(k + 1).padStart(4, '0')}`,
    amount: money(100_000 + ((k * 7_919) % 900_000)),
    stage: stages[k % stages.length] ?? 'appointmentscheduled',
    company: (k * 7) % companies,
    contact: (k * 13) % contacts,
  }));
}

/** The side's orders, each on one of its `deals` deals. */
export function demoOrders(side: Side, size: CommerceSize, deals: number): readonly DemoOrder[] {
  if (deals === 0) return [];
  const tag = side === 'crm' ? 'C' : 'B';
  return Array.from({ length: size.orders }, (_, o) => ({
    name: `Order ${tag}-${String(o + 1).padStart(5, '0')}`,
    amount: money(1_000 + ((o * 4_513) % 250_000)),
    currency: o % 4 === 0 ? 'USD' : 'EUR',
    status: statuses[o % statuses.length] ?? 'open',
    deal: (o * 3) % deals,
  }));
}
