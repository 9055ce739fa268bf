import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A nonce a partner used: each (appId, nonce) once; rows older than the timestamp window are purged. */
@Entity('partner_nonces')
export class PartnerNonceEntity {
  @PrimaryColumn({ name: 'app_id', type: 'text' })
  appId!: string;

  @PrimaryColumn({ type: 'text' })
  nonce!: string;

  /** The request's own timestamp: once it is outside the window, the request is refused anyway. */
  @Index('partner_nonces_request_at')
  @Column({ name: 'request_at', type: 'timestamptz' })
  requestAt!: Date;
}
