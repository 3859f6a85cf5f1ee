import { Controller, Get, UseGuards } from '@nestjs/common';
import { CurrentLookupKey, CurrentUserId, LookupKeyGuard, type AuthenticatedLookupKey, type UserId } from 'nestjs-charon';

/** A route for API clients: `Authorization: Bearer <key>`; a JWT is not a key. */
@Controller('api')
export class WhoamiController {
  @Get('whoami')
  @UseGuards(LookupKeyGuard)
  whoami(@CurrentUserId() userId: UserId, @CurrentLookupKey() key: AuthenticatedLookupKey) {
    return { userId, keyId: key.recordId };
  }
}
