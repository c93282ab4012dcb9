import { Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { CredentialVerifier } from '@app/access';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AccessDeclarationsCheck } from './access-declarations';
import { AccessGuard } from './access.guard';
import { CREDENTIAL_VERIFIER } from './access.tokens';

/** Access control (DESIGN.md §6): the credential verifier, the one global guard, and the start-up route check. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: CREDENTIAL_VERIFIER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new CredentialVerifier(config.access),
    },
    { provide: APP_GUARD, useClass: AccessGuard },
    AccessDeclarationsCheck,
  ],
  exports: [CREDENTIAL_VERIFIER],
})
export class AuthModule {}
