import { Global, Module } from '@nestjs/common';
import { ApiKeyStore } from './api-key.store';
import { Authenticator } from './authenticator';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/**
 * API keys and player sessions (API §6). Global: the REST guard, the /live handshake and
 * erase-everywhere all need it.
 */
@Global()
@Module({
  controllers: [SessionsController],
  providers: [ApiKeyStore, SessionsRepository, SessionsService, Authenticator],
  exports: [ApiKeyStore, SessionsService, Authenticator],
})
export class AuthModule {}
