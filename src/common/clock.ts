/** The source of "now" for cycles and grace windows; tests inject their own to cross boundaries. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
