import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CurrentUserId, LoadSession, LookupKeyService, SessionGuard, type LookupKeyRecord, type UserId } from 'nestjs-charon';
import { CreateApiKeyDto } from './create-api-key.dto';

/** What clients see of a key: never its secret, which only the creation response carries. */
function publicKey({ id, name, createdAt, expiresAt }: LookupKeyRecord) {
  return { id, name: name ?? null, createdAt, expiresAt };
}

/** API keys are lookup-key credentials: opaque secrets of which the store keeps only a keyed HMAC. */
@Controller('auth/api-keys')
@UseGuards(SessionGuard)
export class ApiKeysController {
  constructor(private readonly lookupKeys: LookupKeyService) {}

  // A key is as strong as a login: creating one needs a session that still exists, not just a valid access token.
  @Post()
  @LoadSession()
  @Header('Cache-Control', 'no-store')
  async create(@CurrentUserId() userId: UserId, @Body() body: CreateApiKeyDto) {
    // A request without a body passes validation as `{}` but reaches the handler as undefined.
    const { record, credential } = await this.lookupKeys.create(userId, { name: body?.name });
    return { ...publicKey(record), key: credential };
  }

  @Get()
  async list(@CurrentUserId() userId: UserId) {
    return (await this.lookupKeys.list(userId)).map(publicKey);
  }

  // Scoped to the caller: another user's key id revokes nothing (and says so no differently).
  @Delete(':id')
  @HttpCode(204)
  async revoke(@CurrentUserId() userId: UserId, @Param('id') id: string): Promise<void> {
    await this.lookupKeys.revoke(id, userId);
  }
}
