import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IntakeModule } from '../intake/intake.module';
import { NotesLedger } from '../ledger/domain/notes.ledger';
import { NoteEntity } from './note.entity';
import { NotesController } from './notes.controller';
import { NotesService } from './notes.service';

@Module({
  imports: [TypeOrmModule.forFeature([NoteEntity]), IntakeModule],
  controllers: [NotesController],
  providers: [NotesService, NotesLedger],
})
export class NotesModule {}
