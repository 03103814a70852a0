# Colt server (default) or worker (`npm run worker`); needs REDIS_URL. See docker-compose.yml.
FROM node:20-bookworm-slim

WORKDIR /app
RUN chown node:node /app
USER node

COPY --chown=node:node package.json package-lock.json ./
RUN npm ci && npm cache clean --force

COPY --chown=node:node . .

ENV NODE_ENV=production
EXPOSE 2023
CMD ["npm", "run", "server"]
