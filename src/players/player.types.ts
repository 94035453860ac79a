export interface Profile {
  displayName: string;
  avatarUrl?: string;
  country?: string;
  updatedAt: string;
}
