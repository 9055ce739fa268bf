import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { receiptProblems } from '../adapters/haide/receipt.validator';
import { RequireScopes } from '../auth/scopes';
import { ApiInputErrors, ApiKeyAuth } from '../common/api-docs';
import { BadInputError } from '../common/errors';
import { EReceiptEvidenceDto, EvidenceVerdictDto, TrafficEvidenceDto } from './dto/evidence.dto';
import type { EvidenceVerdict } from './evidence';
import { EvidenceService } from './evidence.service';

/** Another mall's figures, checked through this mall's own peer (`devices:write` until a read scope exists). */
@ApiTags('devices')
@ApiKeyAuth()
@Controller('v1/proofs')
@RequireScopes('devices:write')
export class EvidenceController {
  constructor(private readonly evidence: EvidenceService) {}

  @Post('traffic/verify')
  @HttpCode(200)
  @ApiOperation({ summary: "Verify another mall's traffic figure against the attestation on this mall's peer" })
  @ApiBody({ type: TrafficEvidenceDto })
  @ApiOkResponse({ type: EvidenceVerdictDto, description: '`verified` only when every check holds' })
  @ApiInputErrors()
  traffic(@Body() dto: TrafficEvidenceDto): Promise<EvidenceVerdict> {
    return this.evidence.traffic(dto);
  }

  @Post('e-receipt/verify')
  @HttpCode(200)
  @ApiOperation({ summary: "Verify that another mall's accrual rests on a receipt its registered printer signed" })
  @ApiBody({ type: EReceiptEvidenceDto })
  @ApiOkResponse({ type: EvidenceVerdictDto, description: '`verified` only when every check holds' })
  @ApiInputErrors()
  eReceipt(@Body() dto: EReceiptEvidenceDto): Promise<EvidenceVerdict> {
    const problems = receiptProblems(dto.receipt, 'receipt.');
    if (dto.receipt.eReceipt === undefined) problems.push('receipt.eReceipt is required');
    if (problems.length > 0) throw new BadInputError(problems.join('; '));
    return this.evidence.eReceipt(dto);
  }
}
