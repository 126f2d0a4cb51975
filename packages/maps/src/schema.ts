/**
 * The internal document schema: what every inbound map produces and every
 * outbound map consumes. Conventions (docs/maps.md "The internal schema"):
 * money is integer minor units plus an ISO-4217 currency, converted exactly
 * from the decimal text; timestamps are UTC ISO-8601 with `Z`; a date stays a
 * date; quantities carry UN/ECE Recommendation 20 unit codes; the partner's
 * stable id (PO number, invoice number, …) is `externalId`; `source` ties the
 * document to the control-number ledger.
 */
import { z } from 'zod';

/** A calendar date, `YYYY-MM-DD`. */
export const IsoDate = z.iso.date().describe('A calendar date, YYYY-MM-DD');
/** A UTC instant, ISO-8601 with `Z`. */
export const IsoDateTime = z.iso.datetime().describe('A UTC instant, ISO 8601 with Z');

/** Money: integer minor units (cents for USD, none for JPY) and its ISO-4217 currency. */
export const Money = z
  .object({
    amountMinor: z
      .number()
      .int()
      .describe('Integer minor units of the currency (cents for USD, yen for JPY, fils for KWD)'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'ISO-4217 currency code')
      .describe('ISO 4217 currency code'),
  })
  .describe('An amount of money, exact: integer minor units plus currency');
export type Money = z.infer<typeof Money>;

/** A quantity with its UN/ECE Recommendation 20 unit code (`EA`, `KGM`, `CS`, …). */
export const Quantity = z
  .object({
    value: z.number(),
    unit: z
      .string()
      .regex(/^[A-Z0-9]{2,3}$/, 'UN/ECE Rec. 20 unit code')
      .describe('UN/ECE Recommendation 20 unit code (EA, H87, CS, KGM, …)'),
  })
  .describe('A quantity with its unit');
export type Quantity = z.infer<typeof Quantity>;

/** An envelope party id: X12 ISA qualifier + id, EDIFACT UNB id + qualifier. */
export const PartyIdSchema = z.object({ qualifier: z.string(), id: z.string() });

/** Where a document came from: the partner, the standard, and every control number the ledger keys on. */
export const Source = z
  .object({
    /** Partner id (`p_003`), or null when no partner profile matched the sender. */
    partner: z.string().nullable(),
    standard: z.enum(['x12', 'edifact']),
    /** `004010`, `D96A`. */
    version: z.string(),
    /** `850`, `ORDERS`. */
    setId: z.string(),
    sender: PartyIdSchema,
    receiver: PartyIdSchema,
    /** ISA13 / UNB 0020. */
    interchangeControlNumber: z.string(),
    /** GS06 / UNG 0048 ('' for EDIFACT without UNG). */
    groupControlNumber: z.string(),
    /** ST02 / UNH 0062. */
    setControlNumber: z.string(),
    /** 0-based position of the set in the file: interchange, group, set. */
    position: z.object({ interchange: z.number().int(), group: z.number().int(), set: z.number().int() }),
    /** The map file that produced the document (relative to the maps root). */
    map: z.string(),
  })
  .describe('Where the document came from: ties it to the control-number ledger');
export type Source = z.infer<typeof Source>;

/** A postal address. */
export const Address = z.object({
  lines: z.array(z.string()).optional(),
  city: z.string().optional(),
  region: z.string().optional(),
  postalCode: z.string().optional(),
  /** ISO-3166 alpha-2. */
  country: z.string().optional(),
});

/** A party role in our vocabulary (partner codes — N101, NAD 3035 — map to these). */
export const PartyRole = z.enum([
  'buyer',
  'seller',
  'supplier',
  'shipTo',
  'shipFrom',
  'billTo',
  'remitTo',
  'consignee',
  'carrier',
  'other',
]);

/** A party named in a document. */
export const Party = z.object({
  role: PartyRole,
  /** The partner's id for the party, with the qualifier that says what kind (`92` buyer-assigned, `UL`/`9` GLN). */
  id: z.string().optional(),
  idQualifier: z.string().optional(),
  name: z.string().optional(),
  address: Address.optional(),
});
export type Party = z.infer<typeof Party>;

/** A reference the document carries (`REF`, `RFF`): qualifier as sent, value. */
export const Reference = z.object({ qualifier: z.string(), value: z.string() });

/** Ways the partners identify an item. At least one is expected; which depends on the partner. */
export const ItemIds = z.object({
  gtin: z.string().optional(),
  upc: z.string().optional(),
  buyerPartNumber: z.string().optional(),
  vendorPartNumber: z.string().optional(),
  description: z.string().optional(),
});

/** One order line. */
export const OrderLine = z.object({
  lineNumber: z.string(),
  item: ItemIds,
  quantity: Quantity,
  unitPrice: Money.optional(),
  requestedDeliveryDate: IsoDate.optional(),
});

/** A purchase order (X12 850, EDIFACT ORDERS). */
export const Order = z.object({
  type: z.literal('Order'),
  /** The PO number (BEG03, BGM 1004). */
  externalId: z.string().min(1),
  /** `original`, `replace`, `cancel`, … (BEG01, BGM 1225). */
  purpose: z.enum(['original', 'replace', 'cancel', 'change', 'confirmation']),
  orderDate: IsoDate,
  requestedDeliveryDate: IsoDate.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  parties: z.array(Party),
  references: z.array(Reference),
  lines: z.array(OrderLine).min(1),
  /** CTT01 / CNT: the line count the sender declares. */
  declaredLineCount: z.number().int().optional(),
  notes: z.array(z.string()).optional(),
  source: Source,
});
export type Order = z.infer<typeof Order>;

/** One line of an order acknowledgment. */
export const OrderAcknowledgmentLine = z.object({
  lineNumber: z.string(),
  /** accepted as ordered, accepted with changes, rejected, backordered. */
  status: z.enum(['accepted', 'changed', 'rejected', 'backordered']),
  item: ItemIds,
  quantity: Quantity,
  unitPrice: Money.optional(),
  scheduledDate: IsoDate.optional(),
});

/** An order acknowledgment (X12 855, EDIFACT ORDRSP); produced by us, sent out by outbound maps. */
export const OrderAcknowledgment = z.object({
  type: z.literal('OrderAcknowledgment'),
  /** Our acknowledgment number. */
  externalId: z.string().min(1),
  /** The PO number acknowledged. */
  orderExternalId: z.string().min(1),
  orderDate: IsoDate.optional(),
  ackDate: IsoDate,
  status: z.enum(['accepted', 'acceptedWithChanges', 'rejected']),
  currency: z.string().regex(/^[A-Z]{3}$/),
  parties: z.array(Party),
  lines: z.array(OrderAcknowledgmentLine),
  source: Source.optional(),
});
export type OrderAcknowledgment = z.infer<typeof OrderAcknowledgment>;

/** An item shipped (856 HL-I / DESADV LIN). */
export const ShipmentItem = z.object({
  lineNumber: z.string().optional(),
  item: ItemIds,
  quantity: Quantity,
});

/** A pack (856 HL-P / DESADV CPS+PAC) identified by its SSCC (GS1, 18 digits). */
export const ShipmentPack = z.object({
  sscc: z
    .string()
    .regex(/^\d{18}$/, 'SSCC: 18 digits')
    .optional(),
  items: z.array(ShipmentItem),
});

/** An order within a shipment (856 HL-O). */
export const ShipmentOrder = z.object({
  orderExternalId: z.string(),
  packs: z.array(ShipmentPack),
  /** Items shipped without a pack level (856 S/O/I). */
  items: z.array(ShipmentItem),
});

/** An advance ship notice (X12 856, EDIFACT DESADV): shipment → orders → packs → items. */
export const Shipment = z.object({
  type: z.literal('Shipment'),
  /** BSN02 / BGM 1004. */
  externalId: z.string().min(1),
  purpose: z.enum(['original', 'replace', 'cancel', 'change', 'confirmation']),
  shipDate: IsoDate,
  /** When the sender gave a time: the instant, UTC. */
  shippedAt: IsoDateTime.optional(),
  estimatedDeliveryDate: IsoDate.optional(),
  carrier: z.string().optional(),
  trackingNumber: z.string().optional(),
  parties: z.array(Party),
  orders: z.array(ShipmentOrder).min(1),
  source: Source,
});
export type Shipment = z.infer<typeof Shipment>;

/** One invoice line. */
export const InvoiceLine = z.object({
  lineNumber: z.string(),
  item: ItemIds,
  quantity: Quantity,
  unitPrice: Money,
  /** Line amount when the sender states it (MOA+203). */
  amount: Money.optional(),
});

/** An invoice (X12 810, EDIFACT INVOIC). */
export const Invoice = z.object({
  type: z.literal('Invoice'),
  /** The invoice number (BIG02, BGM 1004). */
  externalId: z.string().min(1),
  invoiceDate: IsoDate,
  orderExternalId: z.string().optional(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  parties: z.array(Party),
  lines: z.array(InvoiceLine).min(1),
  total: Money,
  taxTotal: Money.optional(),
  dueDate: IsoDate.optional(),
  source: Source,
});
export type Invoice = z.infer<typeof Invoice>;

/** A stock figure for one item: kind as named in our vocabulary and the quantity. */
export const StockQuantity = z.object({
  kind: z.enum(['onHand', 'available', 'onOrder', 'committed', 'damaged', 'other']),
  quantity: Quantity,
});

/** Inventory advice (X12 846, EDIFACT INVRPT). */
export const InventoryAdvice = z.object({
  type: z.literal('InventoryAdvice'),
  /** BIA03 / BGM 1004. */
  externalId: z.string().min(1),
  reportDate: IsoDate,
  parties: z.array(Party),
  items: z.array(z.object({ item: ItemIds, quantities: z.array(StockQuantity).min(1) })).min(1),
  source: Source,
});
export type InventoryAdvice = z.infer<typeof InventoryAdvice>;

/** Every document type by name, as map files name them in `document:`. */
export const documentSchemas = {
  Order,
  OrderAcknowledgment,
  Shipment,
  Invoice,
  InventoryAdvice,
} as const;

/** The name of an internal document type. */
export type DocumentType = keyof typeof documentSchemas;

/** Any internal document. */
export type InternalDocument = Order | OrderAcknowledgment | Shipment | Invoice | InventoryAdvice;

/** JSON Schema (draft 2020-12) of each document type, generated from the zod schemas. */
export function documentJsonSchemas(): Record<DocumentType, unknown> {
  const out = {} as Record<DocumentType, unknown>;
  for (const [name, schema] of Object.entries(documentSchemas) as [DocumentType, z.ZodType][]) {
    out[name] = {
      $id: `https://edigate.dev/schema/${name}.json`,
      ...z.toJSONSchema(schema, { target: 'draft-2020-12' }),
    };
  }
  return out;
}
