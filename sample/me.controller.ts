import { Controller, Get, UseGuards } from '@nestjs/common';
import { CurrentTokenPayload, CurrentTokenTransport, SessionGuard, type TokenPayload, type TokenTransport } from 'nestjs-charon';

@Controller('me')
export class MeController {
  @Get()
  @UseGuards(SessionGuard)
  me(@CurrentTokenPayload() token: TokenPayload, @CurrentTokenTransport() tokenTransport: TokenTransport) {
    return { userId: token.sub, sessionId: token.sid, sessionType: token.styp, tokenTransport };
  }
}
