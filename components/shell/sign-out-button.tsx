'use client';

import { signOut } from 'next-auth/react';

export function SignOutButton() {
  return (
    <button
      type="button"
      onClick={() => void signOut({ callbackUrl: '/sign-in' })}
      className="text-sm text-slate-300 hover:text-white"
    >
      Sign out
    </button>
  );
}
