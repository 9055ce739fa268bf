import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { PARTNER_KINDS, type PartnerKind } from '../partner.entity';
import type { IssuedPartner, PartnerView } from '../partner-credentials.service';

const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CODE_RULE = 'must be 1 to 64 letters, digits, . _ or -, starting with a letter or digit';

export class CreatePartnerDto {
  @ApiProperty({ enum: PARTNER_KINDS, example: 'haide' })
  @IsIn(PARTNER_KINDS)
  kind!: PartnerKind;

  @ApiPropertyOptional({ example: 'MALL-A', description: 'Haide mall code the POS sends as orgCode (kind haide)' })
  @ValidateIf((o: CreatePartnerDto) => o.kind === 'haide' || o.orgCode !== undefined)
  @Matches(CODE, { message: `orgCode ${CODE_RULE}` })
  orgCode?: string;

  @ApiPropertyOptional({ example: 'C1001', description: 'Huina customer ID the counters send (kind huina)' })
  @ValidateIf((o: CreatePartnerDto) => o.kind === 'huina' || o.customerId !== undefined)
  @Matches(CODE, { message: `customerId ${CODE_RULE}` })
  customerId?: string;

  @ApiProperty({ example: 'Haide POS, building A' })
  @IsString()
  @Length(1, 100)
  name!: string;
}

export class PartnerViewDto implements PartnerView {
  @ApiProperty({ example: 'hd_3f9a0c…' }) appId!: string;
  @ApiProperty({ enum: PARTNER_KINDS }) kind!: PartnerKind;
  @ApiProperty({ example: 'MallAMSP' }) mallMspId!: string;
  @ApiProperty({ example: 'MALL-A', description: 'orgCode (haide) or customerId (huina)' }) orgCode!: string;
  @ApiProperty() name!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: Date, nullable: true }) rotatedAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true }) revokedAt!: Date | null;
}

export class IssuedPartnerDto extends PartnerViewDto implements IssuedPartner {
  @ApiProperty({ description: 'the HMAC secret: in this answer only, stored encrypted', example: 'kq3…' })
  secret!: string;
}

export const APP_ID_PATTERN = /^(hd|hn)_[0-9a-f]{24}$/;
