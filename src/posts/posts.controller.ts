import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PlayerSelf, RequireScope } from '../auth/auth.decorators';
import { parseLimit } from '../leaderboards/limits';
import { ListQuery, PlayerIdParams } from '../social/dto/social.dto';
import { CreatePostDto } from './dto/post.dto';
import { PostsService } from './posts.service';

@ApiTags('posts')
@ApiSecurity('apiKey')
@Controller('v1/players/:id/posts')
export class PostsController {
  constructor(private readonly posts: PostsService) {}

  @Post()
  @RequireScope('players.write')
  @PlayerSelf('id')
  @ApiOperation({ summary: 'Post (201); the same client `id` again → the stored post (200)' })
  async create(
    @Param() p: PlayerIdParams,
    @Body() dto: CreatePostDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const { created, post } = await this.posts.create(p.id, dto.text, dto.id);
    res.status(created ? 201 : 200);
    return post;
  }

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'Most recent posts first: {posts, nextCursor}' })
  async list(@Param() p: PlayerIdParams, @Query() q: ListQuery) {
    return this.posts.list(p.id, parseLimit(q.limit, 10, 100), q.cursor);
  }
}
