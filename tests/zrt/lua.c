/*
 * lua.c - a standalone Lua 5.4 interpreter for the runtime tests, linked
 * statically against Debian's liblua5.4.a:
 *
 *   lua SCRIPT [ARGS...]     runs SCRIPT with arg[0] = SCRIPT, arg[1..] = ARGS
 *   lua -e CODE              runs CODE
 *
 * Debian ships no static lua binary; this is the part of lua.c a script
 * needs, nothing more.
 */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>

static int report(lua_State *L, int status)
{
	if (status != LUA_OK) {
		fprintf(stderr, "lua: %s\n", lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: lua SCRIPT [ARGS...] | lua -e CODE\n");
		return 2;
	}
	lua_State *L = luaL_newstate();
	if (!L)
		return 1;
	luaL_openlibs(L);
	lua_createtable(L, argc, 1);
	for (int i = 0; i < argc; i++) {
		lua_pushstring(L, argv[i]);
		lua_rawseti(L, -2, i - 1);
	}
	lua_setglobal(L, "arg");
	int status;
	if (argv[1][0] == '-' && argv[1][1] == 'e' && argv[1][2] == 0)
		status = argc > 2 ? luaL_dostring(L, argv[2]) : LUA_OK;
	else
		status = luaL_dofile(L, argv[1]);
	status = report(L, status);
	lua_close(L);
	return status == LUA_OK ? 0 : 1;
}
