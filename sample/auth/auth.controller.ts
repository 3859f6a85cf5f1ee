import { Body, Controller, Delete, Get, HttpCode, Post, Req, UnauthorizedException, UseGuards, UseInterceptors } from '@nestjs/common';
import {
  CharonCookieInterceptor,
  CurrentTokenPayload,
  CurrentUserId,
  listedSessions,
  LoadSession,
  LogoutGuard,
  publicSession,
  RefreshTokenGuard,
  SessionGuard,
  SessionService,
  type HttpRequestLike,
  type SessionResult,
  type UserId,
} from 'nestjs-charon';
import { UsersService } from '../users/users.service';
import { LoginDto } from './login.dto';

function loginResponse({ tokens, session }: SessionResult) {
  return { tokens, session: publicSession(session) };
}

@Controller('auth')
@UseInterceptors(CharonCookieInterceptor)
export class AuthController {
  constructor(
    private readonly sessions: SessionService,
    private readonly users: UsersService,
  ) {}

  @Post('login')
  async login(@Body() body: LoginDto, @Req() request: HttpRequestLike) {
    const user = await this.users.verifyCredentials(body.username, body.password);
    if (!user) throw new UnauthorizedException('invalid username or password');
    const { tokenTransport = 'bearer', deviceId } = body;
    return loginResponse(await this.sessions.create(request, { userId: user.id, tokenTransport, fingerprint: deviceId }));
  }

  @Post('refresh')
  @HttpCode(200)
  @UseGuards(RefreshTokenGuard)
  async refresh(@Req() request: HttpRequestLike) {
    return loginResponse(await this.sessions.refresh(request));
  }

  // Session management (this listing, logging out everywhere) loads the session: an access token that outlives its
  // logout, such as a stolen one, can neither list nor delete the user's sessions.
  @Get('sessions')
  @UseGuards(SessionGuard)
  @LoadSession()
  async list(@CurrentUserId() userId: UserId, @CurrentTokenPayload('sid') currentId: string) {
    return listedSessions(await this.sessions.getAll(userId), currentId);
  }

  // LogoutGuard takes the refresh token when the access token is gone, so an expired access cookie can't block a logout.
  @Delete('session')
  @HttpCode(204)
  @UseGuards(LogoutGuard)
  async logout(@Req() request: HttpRequestLike): Promise<void> {
    await this.sessions.deleteCurrent(request);
  }

  @Delete('sessions')
  @HttpCode(204)
  @UseGuards(SessionGuard)
  @LoadSession()
  async logoutEverywhere(@Req() request: HttpRequestLike, @CurrentUserId() userId: UserId): Promise<void> {
    await this.sessions.deleteAll(userId);
    this.sessions.clearTokenCookies(request);
  }
}
