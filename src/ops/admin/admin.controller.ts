import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../../auth/auth.decorators';
import { parseLimit } from '../../leaderboards/limits';
import { AdminKeysQuery } from './admin.dto';
import { AdminService } from './admin.service';

@ApiTags('admin')
@ApiSecurity('apiKey')
@RequireScope('admin')
@Controller('v1/admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('keys')
  @ApiOperation({
    summary:
      "Keys of this service's namespace matching a glob, with type, ttl (s, -1 none) and size (members, or bytes for strings). SCAN-based, a bounded amount of work per call; page with nextCursor",
  })
  keys(@Query() q: AdminKeysQuery) {
    return this.admin.listKeys(
      q.match ?? '*',
      parseLimit(q.count, 100, 1000, 1, 'count'),
      q.cursor,
    );
  }

  @Get('memory')
  @ApiOperation({
    summary:
      'Keys and bytes per key family: every key counted (SCAN, up to ADMIN_MEMORY_SCAN_LIMIT), bytes extrapolated from sampled MEMORY USAGE',
  })
  memory() {
    return this.admin.memory();
  }
}
