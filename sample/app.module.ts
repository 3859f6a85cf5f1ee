import { Module } from '@nestjs/common';
import { CharonModule } from 'nestjs-charon';
import { AuthController } from './auth/auth.controller';
import { charonOptionsFromEnv } from './charon-options-from-env';
import { MeController } from './me.controller';
import { UsersModule } from './users/users.module';

@Module({
  imports: [CharonModule.forRootAsync({ useFactory: () => charonOptionsFromEnv() }), UsersModule],
  controllers: [AuthController, MeController],
})
export class AppModule {}
