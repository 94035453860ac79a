import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard';
import { AuthModule } from './auth/auth.module';
import { ApiErrorFilter } from './common/api-error.filter';
import { Clock } from './common/clock';
import { CursorCodec } from './common/cursor-codec';
import { ApiValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { FeedsModule } from './feeds/feeds.module';
import { LeaderboardsModule } from './leaderboards/leaderboards.module';
import { LiveModule } from './live/live.module';
import { OpsModule } from './ops/ops.module';
import { PlayersModule } from './players/players.module';
import { PostsModule } from './posts/posts.module';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RedisModule } from './redis/redis.module';
import { SocialModule } from './social/social.module';

/** Configuration, clock and cursor codec: one instance each, visible to every feature. */
@Global()
@Module({})
class CoreModule {
  static register(config: AppConfig, clock: Clock): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: Clock, useValue: clock },
        { provide: CursorCodec, useValue: new CursorCodec(config.cursorSecret) },
      ],
      exports: [AppConfig, Clock, CursorCodec],
    };
  }
}

@Module({})
export class AppModule {
  static register(config: AppConfig, clock: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(config, clock),
        RedisModule,
        AuthModule,
        LeaderboardsModule,
        PlayersModule,
        SocialModule,
        PostsModule,
        FeedsModule,
        OpsModule,
        LiveModule,
        RateLimitModule,
      ],
      providers: [
        { provide: APP_PIPE, useClass: ApiValidationPipe },
        { provide: APP_FILTER, useClass: ApiErrorFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
        // After AuthGuard (global guards run in this order): limits are charged to its principal.
        { provide: APP_GUARD, useClass: RateLimitGuard },
      ],
    };
  }
}
