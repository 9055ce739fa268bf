import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { UUID_PARAM } from '../common/uuid.pipe';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { type Principal, RequireScopes } from '../auth/scopes';
import { IntakeStatusDto } from './dto/intake-status.dto';
import { IntakeService } from './intake.service';
import type { IntakeStatusView } from './intake.types';

@ApiTags('intake')
@ApiKeyAuth()
@Controller('v1/intake')
export class IntakeController {
  constructor(private readonly intake: IntakeService) {}

  @Get(':trackingId')
  @RequireScopes('intake:read')
  @ApiOperation({
    summary: 'Ledger status of an accepted item: pending, committed (tx ID, block) or dead (with the reason)',
  })
  @ApiOkResponse({ type: IntakeStatusDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no item with that tracking ID of the caller’s mall' })
  status(
    @CurrentPrincipal() principal: Principal,
    @Param('trackingId', UUID_PARAM) trackingId: string,
  ): Promise<IntakeStatusView> {
    return this.intake.status(trackingId, principal.mallMspId);
  }
}
