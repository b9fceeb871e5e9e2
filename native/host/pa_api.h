/* The subset of PortAudio's public API (portaudio.h, v19) that rtmixer uses.
 * Declared here rather than included so the addon builds without PortAudio's
 * headers; the library itself is loaded at run time by pa_loader.c. The layouts
 * below are PortAudio's stable ABI since v19. */
#ifndef RTMIXER_PA_API_H
#define RTMIXER_PA_API_H

typedef int PaError;
typedef int PaDeviceIndex;
typedef int PaHostApiIndex;
typedef int PaHostApiTypeId;
typedef double PaTime;
typedef unsigned long PaSampleFormat;
typedef unsigned long PaStreamFlags;
typedef unsigned long PaStreamCallbackFlags;
typedef void PaStream;

#define paNoDevice ((PaDeviceIndex)-1)
#define paFloat32 ((PaSampleFormat)0x00000001)
#define paNoFlag ((PaStreamFlags)0)
#define paClipOff ((PaStreamFlags)0x00000001)
#define paDitherOff ((PaStreamFlags)0x00000002)
#define paFramesPerBufferUnspecified (0)

#define paInputUnderflow ((PaStreamCallbackFlags)0x00000001)
#define paInputOverflow ((PaStreamCallbackFlags)0x00000002)
#define paOutputUnderflow ((PaStreamCallbackFlags)0x00000004)
#define paOutputOverflow ((PaStreamCallbackFlags)0x00000008)
#define paPrimingOutput ((PaStreamCallbackFlags)0x00000010)

#define paContinue 0

/* PaError values a JACK session whose client died returns from Pa_OpenStream. */
#define paUnanticipatedHostError (-9999)
#define paInsufficientMemory (-9992)
#define paDeviceUnavailable (-9985)

/* PaHostApiTypeId values rtmixer treats specially. */
#define paJACK 12

typedef void PaStreamFinishedCallback(void *userData);

typedef struct PaHostApiInfo {
    int structVersion;
    PaHostApiTypeId type;
    const char *name;
    int deviceCount;
    PaDeviceIndex defaultInputDevice;
    PaDeviceIndex defaultOutputDevice;
} PaHostApiInfo;

typedef struct PaDeviceInfo {
    int structVersion;
    const char *name;
    PaHostApiIndex hostApi;
    int maxInputChannels;
    int maxOutputChannels;
    PaTime defaultLowInputLatency;
    PaTime defaultLowOutputLatency;
    PaTime defaultHighInputLatency;
    PaTime defaultHighOutputLatency;
    double defaultSampleRate;
} PaDeviceInfo;

typedef struct PaStreamParameters {
    PaDeviceIndex device;
    int channelCount;
    PaSampleFormat sampleFormat;
    PaTime suggestedLatency;
    void *hostApiSpecificStreamInfo;
} PaStreamParameters;

typedef struct PaStreamCallbackTimeInfo {
    PaTime inputBufferAdcTime;
    PaTime currentTime;
    PaTime outputBufferDacTime;
} PaStreamCallbackTimeInfo;

typedef struct PaStreamInfo {
    int structVersion;
    PaTime inputLatency;
    PaTime outputLatency;
    double sampleRate;
} PaStreamInfo;

typedef int PaStreamCallback(const void *input, void *output, unsigned long frameCount,
                             const PaStreamCallbackTimeInfo *timeInfo,
                             PaStreamCallbackFlags statusFlags, void *userData);

#endif
