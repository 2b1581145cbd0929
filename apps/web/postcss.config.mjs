/** Tailwind CSS 4: the whole configuration lives in src/app/globals.css (`@import "tailwindcss"; @theme {…}`). */
const config = {
  plugins: {
    "@tailwindcss/postcss": {},
  },
};

export default config;
