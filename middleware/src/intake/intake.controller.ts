import { Controller, Get, Param } from '@nestjs/common';
import { UUID_PARAM } from '../common/uuid.pipe';
import { ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { IntakeStatusDto } from './dto/intake-status.dto';
import { IntakeService } from './intake.service';
import type { IntakeStatusView } from './intake.types';

@ApiTags('intake')
@ApiSecurity('apiKey')
@Controller('v1/intake')
export class IntakeController {
  constructor(private readonly intake: IntakeService) {}

  /** Ledger status of an accepted item: pending, committed (with tx ID and block) or dead (with the reason). */
  @Get(':trackingId')
  @ApiOkResponse({ type: IntakeStatusDto })
  status(@Param('trackingId', UUID_PARAM) trackingId: string): Promise<IntakeStatusView> {
    return this.intake.status(trackingId);
  }
}
