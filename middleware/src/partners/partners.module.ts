import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NonceStore } from './nonce.store';
import { PartnerNonceEntity } from './partner-nonce.entity';
import { PartnerEntity } from './partner.entity';
import { PartnerCredentialsService } from './partner-credentials.service';
import { PartnersController } from './partners.controller';

/** Credentials of the mall's calling systems (Haide, Huina adapters import this module). */
@Module({
  imports: [TypeOrmModule.forFeature([PartnerEntity, PartnerNonceEntity])],
  controllers: [PartnersController],
  providers: [PartnerCredentialsService, NonceStore],
  exports: [PartnerCredentialsService, NonceStore],
})
export class PartnersModule {}
