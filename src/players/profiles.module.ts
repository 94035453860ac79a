import { Module } from '@nestjs/common';
import { ProfilesRepository } from './profiles.repository';

/** Profiles alone, so leaderboards can join them without depending on the players feature. */
@Module({ providers: [ProfilesRepository], exports: [ProfilesRepository] })
export class ProfilesModule {}
