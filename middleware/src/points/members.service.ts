import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, In, type Repository } from 'typeorm';
import { ConflictError, NotFoundError, UnavailableError } from '../common/errors';
import { SecretBox } from '../common/secret-box';
import { AppConfig } from '../config/app-config';
import { type CustodialDidView, CustodialDidsService } from './custodial-dids.service';
import { MemberCardEntity, MemberEntity } from './member.entity';

export interface EnrollInput {
  /** The member's own (wallet) DID; absent, this mall creates a custodial one for the member. */
  readonly did?: string;
  readonly name?: string;
  readonly mobile?: string;
  readonly levelName?: string;
  readonly cardNos: readonly string[];
}

export interface MemberView {
  readonly memberId: string;
  readonly did: string;
  readonly levelName: string | null;
  readonly name: string | null;
  readonly mobile: string | null;
  readonly cards: { cardNo: string; status: string }[];
}

/** The answer of an enrolment: with the custodial DID this mall created, when the member brought none. */
export interface EnrolledView extends MemberView {
  readonly custodialDid?: CustodialDidView;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Members' personal data stays here, sealed; only the DID goes to the ledger. Cards and mobiles are found
 * through blind indexes, so a lookup never decrypts a table.
 */
@Injectable()
export class MembersService {
  readonly #box: SecretBox | undefined;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @InjectRepository(MemberEntity) private readonly members: Repository<MemberEntity>,
    @InjectRepository(MemberCardEntity) private readonly cards: Repository<MemberCardEntity>,
    private readonly custodial: CustodialDidsService,
    config: AppConfig,
  ) {
    this.#box = config.memberDataKey === undefined ? undefined : new SecretBox(config.memberDataKey);
  }

  /**
   * A new member with its cards, in one transaction; a DID, mobile or card already enrolled is a 409. Without a
   * DID the member gets a custodial one (sealed key, CreateDid in the intake) in the same transaction, so a refused
   * enrolment leaves no DID behind.
   */
  async enroll(input: EnrollInput): Promise<EnrolledView> {
    const box = this.#requireBox();
    try {
      const { id, created } = await this.ds.transaction(async (m) => {
        const created = input.did === undefined ? await this.custodial.createIn(m) : undefined;
        const member = await m.save(
          m.create(MemberEntity, {
            did: created?.view.did ?? input.did,
            levelName: input.levelName ?? null,
            nameSealed: input.name === undefined ? null : box.seal(input.name, 'member:name'),
            mobileSealed: input.mobile === undefined ? null : box.seal(input.mobile, 'member:mobile'),
            mobileIndex: input.mobile === undefined ? null : box.index('mobile', input.mobile),
          }),
        );
        await m.insert(
          MemberCardEntity,
          input.cardNos.map((c) => ({
            cardIndex: box.index('card', c),
            cardSealed: box.seal(c, 'member:card'),
            memberId: member.id,
          })),
        );
        return { id: member.id, created };
      });
      created?.committed();
      const view = await this.get(id);
      return created ? { ...view, custodialDid: created.view } : view;
    } catch (e) {
      if ((e as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new ConflictError('did, mobile or one of cardNos is already enrolled');
      }
      throw e;
    }
  }

  async get(memberId: string): Promise<MemberView> {
    const m = await this.members.findOneBy({ id: memberId });
    if (!m) throw new NotFoundError('member', memberId);
    return this.#view(m);
  }

  async byAccount(type: 'cardNo' | 'mobile' | 'memberId', value: string): Promise<MemberView | undefined> {
    if (type === 'memberId') {
      if (!/^[0-9a-f-]{36}$/.test(value)) return undefined;
      const m = await this.members.findOneBy({ id: value });
      return m ? this.#view(m) : undefined;
    }
    const box = this.#requireBox();
    if (type === 'mobile') {
      const m = await this.members.findOneBy({ mobileIndex: box.index('mobile', value) });
      return m ? this.#view(m) : undefined;
    }
    const card = await this.cards.findOneBy({ cardIndex: box.index('card', value), status: 'active' });
    if (!card) return undefined;
    return this.get(card.memberId);
  }

  /** The member DID behind an active card, or undefined. */
  async didOfCard(cardNo: string): Promise<string | undefined> {
    const box = this.#requireBox();
    const rows = await this.ds.query<{ did: string }[]>(
      `SELECT m.did FROM member_cards c JOIN members m ON m.id = c.member_id
       WHERE c.card_index = $1 AND c.status = 'active'`,
      [box.index('card', cardNo)],
    );
    return rows[0]?.did;
  }

  /**
   * The member behind an active card, and whether its DID is a custodial one this mall still holds (created at
   * enrolment: its CreateDid may not have reached the ledger yet).
   */
  async cardMember(cardNo: string): Promise<{ did: string; custodial: boolean } | undefined> {
    const box = this.#requireBox();
    const rows = await this.ds.query<{ did: string; custodial: boolean }[]>(
      `SELECT m.did, (d.did IS NOT NULL) AS custodial FROM member_cards c JOIN members m ON m.id = c.member_id
       LEFT JOIN custodial_dids d ON d.did = m.did AND d.status = 'held'
       WHERE c.card_index = $1 AND c.status = 'active'`,
      [box.index('card', cardNo)],
    );
    return rows[0];
  }

  /** The members holding `cardNos` (active cards only), by card number: one query for a whole POS batch. */
  async cardMembers(cardNos: readonly string[]): Promise<Map<string, { did: string; custodial: boolean }>> {
    const out = new Map<string, { did: string; custodial: boolean }>();
    if (cardNos.length === 0) return out;
    const box = this.#requireBox();
    const byIndex = new Map([...new Set(cardNos)].map((c) => [box.index('card', c), c]));
    const rows = await this.ds.query<{ idx: string; did: string; custodial: boolean }[]>(
      `SELECT c.card_index AS idx, m.did, (d.did IS NOT NULL) AS custodial
       FROM member_cards c JOIN members m ON m.id = c.member_id
       LEFT JOIN custodial_dids d ON d.did = m.did AND d.status = 'held'
       WHERE c.card_index = ANY($1::text[]) AND c.status = 'active'`,
      [[...byIndex.keys()]],
    );
    for (const r of rows) {
      const card = byIndex.get(r.idx);
      if (card !== undefined) out.set(card, { did: r.did, custodial: r.custodial });
    }
    return out;
  }

  async #view(m: MemberEntity): Promise<MemberView> {
    const box = this.#requireBox();
    const cards = await this.cards.find({ where: { memberId: In([m.id]) }, order: { createdAt: 'ASC' } });
    return {
      memberId: m.id,
      did: m.did,
      levelName: m.levelName,
      name: m.nameSealed ? box.openText(m.nameSealed, 'member:name') : null,
      mobile: m.mobileSealed ? box.openText(m.mobileSealed, 'member:mobile') : null,
      cards: cards.map((c) => ({ cardNo: box.openText(c.cardSealed, 'member:card'), status: c.status })),
    };
  }

  #requireBox(): SecretBox {
    if (!this.#box) throw new UnavailableError('member data needs the MEMBER_DATA_KEY setting');
    return this.#box;
  }
}
