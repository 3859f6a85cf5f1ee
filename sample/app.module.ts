import { Module } from '@nestjs/common';
import { CharonModule } from 'nestjs-charon';
import { apiKeyOptionsFromEnv } from './api-keys/api-key-options';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { WhoamiController } from './api-keys/whoami.controller';
import { AuthController } from './auth/auth.controller';
import { charonOptionsFromEnv } from './charon-options-from-env';
import { MeController } from './me.controller';
import { UsersModule } from './users/users.module';

@Module({
  imports: [CharonModule.forRootAsync({ useFactory: () => ({ ...charonOptionsFromEnv(), lookupKeys: apiKeyOptionsFromEnv() }) }), UsersModule],
  controllers: [AuthController, MeController, ApiKeysController, WhoamiController],
})
export class AppModule {}
