import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthedRequest } from '../auth/api-key.guard';
import { RequireScopes } from '../auth/scopes';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { IntakeAckDto } from '../intake/dto/intake-status.dto';
import type { IntakeAck } from '../intake/intake.types';
import { type AttestationView, DevicesService } from './devices.service';
import {
  AttestationDto,
  AttestationsQueryDto,
  DeviceDto,
  ListDevicesQueryDto,
  RegisterDeviceDto,
  RotateKeyDto,
  StatusChangeDto,
} from './dto/device.dto';
import { DidPipe } from './did.pipe';

/** `/v1/devices`: every route needs `devices:write` for now (a read scope is not split off yet). */
@ApiTags('devices')
@ApiKeyAuth()
@Controller('v1/devices')
@RequireScopes('devices:write')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Register a device (devices:RegisterDevice, relayed through the intake)' })
  @ApiBody({ type: RegisterDeviceDto })
  @ApiAcceptedResponse({ type: IntakeAckDto, description: 'durable; GET /v1/intake/{trackingId} for the outcome' })
  @ApiInputErrors()
  @ApiConflictResponse({ type: ErrorDto, description: 'the same DID registered with other content' })
  register(@Body() dto: RegisterDeviceDto, @Req() req: AuthedRequest): Promise<IntakeAck> {
    return this.devices.register(dto, req.principal?.keyId);
  }

  @Post(':did/keys')
  @HttpCode(202)
  @ApiOperation({ summary: 'Rotate the device key (devices:RotateDeviceKey); the new key proves possession' })
  @ApiBody({ type: RotateKeyDto })
  @ApiAcceptedResponse({ type: IntakeAckDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'unknown device' })
  rotate(@Param('did', DidPipe) did: string, @Body() dto: RotateKeyDto, @Req() req: AuthedRequest): Promise<IntakeAck> {
    return this.devices.rotateKey(did, dto, req.principal?.keyId);
  }

  @Post(':did/suspend')
  @HttpCode(202)
  @ApiOperation({ summary: 'Suspend an active device (devices:SuspendDevice)' })
  @ApiBody({ type: StatusChangeDto })
  @ApiAcceptedResponse({ type: IntakeAckDto })
  @ApiInputErrors()
  suspend(
    @Param('did', DidPipe) did: string,
    @Body() dto: StatusChangeDto,
    @Req() req: AuthedRequest,
  ): Promise<IntakeAck> {
    return this.devices.changeStatus('suspend', did, dto, req.principal?.keyId);
  }

  @Post(':did/reactivate')
  @HttpCode(202)
  @ApiOperation({ summary: 'Reactivate a suspended device (devices:ReactivateDevice)' })
  @ApiBody({ type: StatusChangeDto })
  @ApiAcceptedResponse({ type: IntakeAckDto })
  @ApiInputErrors()
  reactivate(
    @Param('did', DidPipe) did: string,
    @Body() dto: StatusChangeDto,
    @Req() req: AuthedRequest,
  ): Promise<IntakeAck> {
    return this.devices.changeStatus('reactivate', did, dto, req.principal?.keyId);
  }

  @Post(':did/revoke')
  @HttpCode(202)
  @ApiOperation({ summary: 'Revoke a device for good, with its compromise time (devices:RevokeDevice)' })
  @ApiBody({ type: StatusChangeDto })
  @ApiAcceptedResponse({ type: IntakeAckDto })
  @ApiInputErrors()
  revoke(
    @Param('did', DidPipe) did: string,
    @Body() dto: StatusChangeDto,
    @Req() req: AuthedRequest,
  ): Promise<IntakeAck> {
    return this.devices.changeStatus('revoke', did, dto, req.principal?.keyId);
  }

  @Get()
  @ApiOperation({ summary: 'Devices from the cache (projected from the ledger), by status and type' })
  @ApiOkResponse({ type: DeviceDto, isArray: true })
  @ApiInputErrors()
  list(@Query() q: ListDevicesQueryDto): Promise<DeviceDto[]> {
    return this.devices.list(q.status, q.type);
  }

  @Get(':did')
  @ApiOperation({ summary: 'One device from the cache' })
  @ApiOkResponse({ type: DeviceDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'not in the cache' })
  get(@Param('did', DidPipe) did: string): Promise<DeviceDto> {
    return this.devices.get(did);
  }

  @Get(':did/attestations')
  @ApiOperation({ summary: "A device's attestations whose period starts in [from, to), from the cache" })
  @ApiOkResponse({ type: AttestationDto, isArray: true })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'unknown device' })
  attestations(@Param('did', DidPipe) did: string, @Query() q: AttestationsQueryDto): Promise<AttestationView[]> {
    return this.devices.attestations(did, q.from, q.to);
  }
}
