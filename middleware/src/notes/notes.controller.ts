import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthedRequest } from '../auth/api-key.guard';
import { RequireScopes } from '../auth/scopes';
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
import { NoteBodyPipe, type NoteInput, NotesBatchBodyPipe } from './dto/note.validator';
import { NotesService } from './notes.service';

@ApiTags('notes')
@ApiSecurity('apiKey')
@Controller('v1/notes')
@RequireScopes('admin')
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  /** Accepted (202) once durable in Postgres; a re-sent identical note answers 200 with the original tracking ID. */
  @Post()
  @ApiBody({ type: CreateNoteDto })
  @ApiOkResponse({ type: IntakeAckDto })
  async put(
    @Body(NoteBodyPipe) dto: NoteInput,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeAck> {
    const ack = await this.notes.put(dto, req.principal?.keyId);
    void reply.status(ack.outcome === 'accepted' ? 202 : 200);
    return ack;
  }

  /** 200 with one result per note, in request order; the batch is durable when answered. */
  @Post('batch')
  @HttpCode(200)
  @ApiBody({ type: CreateNotesBatchDto })
  @ApiOkResponse({ type: BatchItemResultDto, isArray: true })
  putMany(@Body(NotesBatchBodyPipe) notes: NoteInput[], @Req() req: AuthedRequest): Promise<BatchItemResult[]> {
    return this.notes.putMany(notes, req.principal?.keyId);
  }

  @Get(':id')
  @ApiOkResponse({ type: NoteDto })
  get(@Param('id') id: string, @Query() q: ReadQueryDto): Promise<NoteView> {
    return this.notes.get(id, q.consistency ?? 'cache');
  }
}
