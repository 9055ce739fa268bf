import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthedRequest } from '../auth/api-key.guard';
import { RequireScopes } from '../auth/scopes';
import { ApiInputErrors, ApiKeyAuth, ErrorDto } from '../common/api-docs';
import { BodyLimit } from '../common/body-limit';
import { NDJSON } from '../common/ndjson';
import { IntakeAckDto } from '../intake/dto/intake-status.dto';
import type { IntakeAck } from '../intake/intake.types';
import {
  type BatchItemResult,
  BatchItemResultDto,
  CreateNoteDto,
  CreateNotesBatchDto,
  NoteDto,
  type NoteView,
  ReadQueryDto,
} from './dto/note.dto';
import { NoteBodyPipe, type NoteInput, NotesBatchBodyPipe, NotesUploadPipe } from './dto/note.validator';
import { NotesService } from './notes.service';

@ApiTags('notes')
@ApiKeyAuth()
@Controller('v1/notes')
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Post()
  @RequireScopes('notes:write')
  @ApiOperation({ summary: 'Accept a note for the ledger (info:PutNote), answered once durable in Postgres' })
  @ApiBody({ type: CreateNoteDto })
  @ApiAcceptedResponse({ type: IntakeAckDto, description: 'accepted' })
  @ApiOkResponse({ type: IntakeAckDto, description: 'the same note again: the original tracking ID' })
  @ApiInputErrors()
  @ApiConflictResponse({ type: ErrorDto, description: 'same id, other content' })
  async put(
    @Body(NoteBodyPipe) dto: NoteInput,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeAck> {
    const ack = await this.notes.put(dto, req.principal?.keyId);
    void reply.status(ack.outcome === 'accepted' ? 202 : 200);
    return ack;
  }

  @Post('batch')
  @RequireScopes('notes:write')
  @BodyLimit('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept up to 1,000 notes; one result per note, in request order, durable when answered' })
  @ApiBody({ type: CreateNotesBatchDto })
  @ApiOkResponse({ type: BatchItemResultDto, isArray: true })
  @ApiInputErrors()
  putMany(@Body(NotesBatchBodyPipe) notes: NoteInput[], @Req() req: AuthedRequest): Promise<BatchItemResult[]> {
    return this.notes.putMany(notes, req.principal?.keyId);
  }

  @Post('import')
  @RequireScopes('notes:write')
  @BodyLimit('batch', { ndjson: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept a day-end upload of notes as JSON Lines (application/x-ndjson), streamed line by line',
  })
  @ApiConsumes(NDJSON)
  @ApiBody({
    description: 'one note `{"id": …, "text": …}` per line; a bad line is named by its number',
    schema: { type: 'string', example: '{"id":"n-1","text":"a"}\n{"id":"n-2","text":"b"}\n' },
  })
  @ApiOkResponse({ type: BatchItemResultDto, isArray: true })
  @ApiInputErrors()
  @ApiPayloadTooLargeResponse({ type: ErrorDto, description: 'body past BATCH_BODY_LIMIT_BYTES' })
  upload(@Body(NotesUploadPipe) notes: NoteInput[], @Req() req: AuthedRequest): Promise<BatchItemResult[]> {
    return this.notes.putMany(notes, req.principal?.keyId);
  }

  @Get(':id')
  @RequireScopes('notes:read')
  @ApiOperation({ summary: 'A note from the read model, or evaluated on the peer with ?consistency=ledger' })
  @ApiOkResponse({ type: NoteDto })
  @ApiInputErrors()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'no such note' })
  get(@Param('id') id: string, @Query() q: ReadQueryDto): Promise<NoteView> {
    return this.notes.get(id, q.consistency ?? 'cache');
  }
}
