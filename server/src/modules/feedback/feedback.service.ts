import { randomUUID } from 'node:crypto'
import type { Connection, Model } from 'mongoose'
import {
  feedbackTransition,
  isFeedbackResponse,
  splitPhotoDataUrl,
  type FeedbackChange,
  type FeedbackListQuery,
  type FeedbackPage,
  type FeedbackSubmitRequest,
  type FeedbackTicket,
  type KpiQuery,
  type KpiReport,
} from '@mall/shared'
import type { FeedbackCategory } from '@mall/shared'
import { AppendChain } from '../../db/append-chain'
import { updateIf } from '../../db/guarded-write'
import { DomainError } from '../../errors/domain-error'
import { feedbackKpis } from './feedback-kpis'
import { storeModel, type StoreDoc } from '../stores/store.model'
import {
  feedbackModels,
  type FeedbackChangeDoc,
  type FeedbackEventDoc,
  type FeedbackPhotoDoc,
  type FeedbackTicketDoc,
} from './feedback.model'

/** Whose eyes a ticket is for: members do not see staff usernames. */
type Audience = 'member' | 'staff'
type Actor = { kind: 'member' | 'staff'; id: string }

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)
const MY_TICKETS_LIMIT = 100

/** A staff reply or closing note on a member's ticket (`rev`: the change's number on the ticket). */
export type FeedbackResponseListener = (response: {
  ticketId: string
  memberId: string
  category: FeedbackCategory
  rev: number
  text: string | null
  at: Date
}) => Promise<void>

/**
 * Member feedback tickets (FB-01..FB-09): submission with an optional photo, the member's own
 * list, the operators' queue with assign / reply / close, the member's follow-up, and the
 * response-time figures for the dashboard. Status rules are the shared `feedbackTransition`.
 */
export class FeedbackService {
  /** Features that react to a response to the member (the subscribe message). Each is idempotent. */
  readonly listeners: { responded: FeedbackResponseListener[] } = { responded: [] }
  private readonly Ticket: Model<FeedbackTicketDoc>
  private readonly Change: Model<FeedbackChangeDoc>
  private readonly Photo: Model<FeedbackPhotoDoc>
  private readonly Store: Model<StoreDoc>
  /** A member's tickets, `<memberId>-<n>` (db/append-chain.ts); a new one starts from the member's newest. */
  private readonly tickets: AppendChain<FeedbackTicketDoc>
  /** A ticket's changes, `<ticketId>#<rev>`; the ticket row's `rev` is the hint. */
  private readonly changes: AppendChain<FeedbackChangeDoc>

  constructor(conn: Connection) {
    ;({ Ticket: this.Ticket, Change: this.Change, Photo: this.Photo } = feedbackModels(conn))
    this.Store = storeModel(conn)
    this.tickets = new AppendChain<FeedbackTicketDoc>({
      model: this.Ticket,
      rowId: (memberId, n) => `${memberId}-${n}`,
      hints: { read: async (memberId) => ({ n: (await this.newestTicket(memberId))?.seq ?? 0, value: null }) },
    })
    this.changes = new AppendChain<FeedbackChangeDoc>({ model: this.Change, rowId: (id, rev) => `${id}#${rev}` })
  }

  async submit(memberId: string, input: FeedbackSubmitRequest, now: Date): Promise<FeedbackTicket> {
    if (input.storeId && !(await this.Store.findById(input.storeId).lean<StoreDoc>().exec())?.active)
      throw new DomainError('STORE.NOT_FOUND', 'store not found')
    // The photo first, under its own id: a crash before the ticket leaves only an unreferenced photo.
    const photo = input.photo ? splitPhotoDataUrl(input.photo) : null // the contract checked it
    const photoId = photo ? randomUUID() : null
    if (photo) {
      await this.Photo.collection.insertOne({
        _id: photoId,
        memberId,
        mime: `image/${photo.type}`,
        data: Buffer.from(photo.base64, 'base64'),
        createdAt: now,
      } as never)
    }
    const appended = await this.tickets.append(memberId, (head) => ({
      memberId,
      seq: head.n + 1,
      category: input.category,
      text: input.text,
      storeId: input.storeId ?? null,
      photoId,
      status: 'open',
      assignee: null,
      createdAt: now,
      updatedAt: now,
      firstResponseAt: null,
      closedAt: null,
      rev: 1,
      history: [{ at: now, actor: 'member', actorId: memberId, action: 'submit', status: 'open', text: null }],
    }))
    return view(appended!.row, 'member')
  }

  /** The member's own tickets, newest first, with their history (replies included). */
  mine(memberId: string): Promise<FeedbackTicket[]> {
    return this.ofMember(memberId, 'member')
  }

  /** A member's tickets as the operator sees them (with staff names), for the member detail page. */
  async ofMember(memberId: string, audience: Audience = 'staff'): Promise<FeedbackTicket[]> {
    const rows = await this.Ticket.find({ memberId })
      .sort({ seq: -1 })
      .limit(MY_TICKETS_LIMIT)
      .lean<FeedbackTicketDoc[]>()
      .exec()
    return rows.map((t) => view(t, audience))
  }

  async mineOne(memberId: string, ticketId: string): Promise<FeedbackTicket> {
    return view(await this.load(ticketId, memberId), 'member')
  }

  async followUp(memberId: string, ticketId: string, text: string, now: Date): Promise<FeedbackTicket> {
    return view(
      await this.change(ticketId, 'follow_up', { kind: 'member', id: memberId }, text, now, memberId),
      'member',
    )
  }

  async list(q: FeedbackListQuery): Promise<FeedbackPage> {
    const filter: Record<string, unknown> = {}
    if (q.status) filter.status = q.status
    if (q.category) filter.category = q.category
    const [rows, total] = await Promise.all([
      this.Ticket.find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .skip((q.page - 1) * q.pageSize)
        .limit(q.pageSize)
        .lean<FeedbackTicketDoc[]>()
        .exec(),
      this.Ticket.countDocuments(filter).exec(),
    ])
    return { items: rows.map((t) => view(t, 'staff')), total, page: q.page, pageSize: q.pageSize }
  }

  async get(ticketId: string): Promise<FeedbackTicket> {
    return view(await this.load(ticketId), 'staff')
  }

  async act(
    staffId: string,
    ticketId: string,
    action: Exclude<FeedbackChange, 'follow_up'>,
    text: string,
    now: Date,
  ): Promise<FeedbackTicket> {
    return view(await this.change(ticketId, action, { kind: 'staff', id: staffId }, text, now), 'staff')
  }

  /** The photo of a ticket; `ownerId` limits it to that member's tickets (operators pass null). */
  async photo(ticketId: string, ownerId: string | null): Promise<{ mime: string; data: Buffer }> {
    const ticket = await this.load(ticketId, ownerId ?? undefined)
    // Not lean: the hydrated document gives the bytes as a Buffer on both backends.
    const photo = ticket.photoId ? await this.Photo.findById(ticket.photoId).exec() : null
    if (!photo) throw new DomainError('FEEDBACK.NO_PHOTO', 'ticket has no photo')
    return { mime: photo.mime, data: photo.data }
  }

  /** The dashboard's feedback section (feedback-kpis.ts). */
  kpis(q: KpiQuery, now: Date): Promise<Pick<KpiReport, 'metrics' | 'tables'>> {
    return feedbackKpis(this.Ticket, q, now)
  }

  private newestTicket(memberId: string): Promise<{ seq: number } | null> {
    return this.Ticket.findOne({ memberId }, { seq: 1 }).sort({ seq: -1 }).lean<{ seq: number }>().exec()
  }

  /** A ticket by id; with `ownerId`, another member's ticket is reported as not existing. */
  private async load(ticketId: string, ownerId?: string): Promise<FeedbackTicketDoc> {
    let ticket = await this.Ticket.findById(ticketId).lean<FeedbackTicketDoc>().exec()
    if (!ticket || (ownerId !== undefined && ticket.memberId !== ownerId))
      throw new DomainError('FEEDBACK.NOT_FOUND', 'ticket not found')
    // The change rows decide; the ticket row is their cache. Changes claimed but not on the row yet (a
    // writer that is still running or died, or a late write of an older rev) are applied on the way.
    for (;;) {
      const pending = await this.changes.row(ticketId, ticket.rev + 1)
      if (!pending) return ticket
      ticket = await this.apply(ticket, pending.event)
    }
  }

  /**
   * Applies one workflow step: the next rev is claimed by a unique insert (FeedbackChangeDoc), so of
   * two concurrent changes one wins and the other is re-checked against the status it produced.
   */
  private async change(
    ticketId: string,
    action: FeedbackChange,
    actor: Actor,
    text: string,
    now: Date,
    ownerId?: string,
  ): Promise<FeedbackTicketDoc> {
    for (;;) {
      const t = await this.load(ticketId, ownerId)
      const status = feedbackTransition(t.status, action)
      if (!status)
        throw new DomainError('FEEDBACK.INVALID_TRANSITION', `cannot ${action} a ticket that is ${t.status}`, {
          status: t.status,
          action,
        })
      const event: FeedbackEventDoc = { at: now, actor: actor.kind, actorId: actor.id, action, status, text }
      if (!(await this.changes.insertAt(ticketId, t.rev + 1, { ticketId, rev: t.rev + 1, event }))) continue
      const after = await this.apply(t, event)
      if (actor.kind === 'staff' && isFeedbackResponse(action)) {
        const response = { ticketId, memberId: t.memberId, category: t.category, rev: t.rev + 1, text, at: now }
        await Promise.all(this.listeners.responded.map((listener) => listener(response)))
      }
      return after
    }
  }

  /** Writes the ticket as it is after `event`; idempotent, and never over a newer rev. */
  private async apply(t: FeedbackTicketDoc, event: FeedbackEventDoc): Promise<FeedbackTicketDoc> {
    const { _id, ...after } = withEvent(t, event)
    await updateIf(this.Ticket, _id, { rev: t.rev }, { $set: after })
    return { _id, ...after }
  }
}

/** The ticket after one more event. */
function withEvent(t: FeedbackTicketDoc, e: FeedbackEventDoc): FeedbackTicketDoc {
  return {
    ...t,
    status: e.status,
    updatedAt: e.at,
    rev: t.rev + 1,
    history: [...t.history, e],
    ...(e.action === 'assign' ? { assignee: e.text } : {}),
    ...(isFeedbackResponse(e.action) && !t.firstResponseAt ? { firstResponseAt: e.at } : {}),
    ...(e.status === 'closed' ? { closedAt: e.at } : {}),
  }
}

function view(t: FeedbackTicketDoc, audience: Audience): FeedbackTicket {
  return {
    ticketId: t._id,
    memberId: t.memberId,
    category: t.category,
    text: t.text,
    storeId: t.storeId,
    hasPhoto: t.photoId !== null,
    status: t.status,
    assignee: t.assignee,
    createdAt: iso(t.createdAt)!,
    updatedAt: iso(t.updatedAt)!,
    firstResponseAt: iso(t.firstResponseAt),
    closedAt: iso(t.closedAt),
    history: t.history.map((e) => ({
      at: iso(e.at)!,
      actor: e.actor,
      actorId: audience === 'staff' ? e.actorId : null,
      action: e.action,
      status: e.status,
      text: e.text ?? null,
    })),
  }
}
