package dev.jslirp.tcp;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.jslirp.tcp.TcpHarness.IRS;
import static dev.jslirp.tcp.TcpHarness.ISS;
import static dev.jslirp.tcp.TcpHarness.MS;
import static dev.jslirp.tcp.TcpHarness.bytes;
import static dev.jslirp.wire.TcpSegment.ACK;
import static dev.jslirp.wire.TcpSegment.FIN;
import static dev.jslirp.wire.TcpSegment.PSH;
import static dev.jslirp.wire.TcpSegment.RST;
import static dev.jslirp.wire.TcpSegment.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine state by state, smoltcp style: each test starts from a factory-built state. */
class TcpConnectionTest {

    @Nested
    class Listen {
        final TcpHarness h = new TcpHarness();

        @Test
        void synIsHeldUntilHostConnects() {
            h.listen();
            assertEquals(Long.MAX_VALUE, h.conn.nextDeadlineNs());
            h.expectNothing();
        }

        @Test
        void hostConnectedSendsSynAckWithNegotiatedOptions() {
            h.listen();
            h.conn.onHostConnected(h.now);
            Seg synAck = h.expect(SYN | ACK, ISS, IRS + 1);
            assertEquals(1460, synAck.mss());
            assertEquals(7, synAck.windowScale());
            assertFalse(synAck.sackPermitted(), "we neither send nor use SACK blocks, so we never offer it");
            assertEquals(65535, synAck.window(), "SYN windows are not scaled (RFC 7323 §2.2)");
            assertEquals(TcpState.SYN_RECEIVED, h.conn.state());
        }

        @Test
        void noWindowScaleWhenGuestDidNotOfferIt() {
            h.listen(TcpHarness.guestSyn().withWindowScale(-1));
            h.conn.onHostConnected(h.now);
            assertEquals(-1, h.expect(SYN | ACK, ISS, IRS + 1).windowScale());
            h.send(GuestSeg.ack(IRS + 1, ISS + 1).withWindow(65535));
            h.send(GuestSeg.ack(IRS + 1, ISS + 1).withData(bytes(10, 1)));
            assertEquals(65535, h.expectAck(ISS + 1, IRS + 11).window(), "unscaled: 64 KiB - 10 capped at 65535");
        }

        @Test
        void sendMssIsTheSmallerOfBoth() {
            h.listen(TcpHarness.guestSyn().withMss(9000));
            assertEquals(1460, h.conn.sndMss());
            TcpHarness small = new TcpHarness();
            small.listen(TcpHarness.guestSyn().withMss(536));
            assertEquals(536, small.conn.sndMss());
            TcpHarness none = new TcpHarness();
            none.listen(TcpHarness.guestSyn().withMss(-1));
            assertEquals(536, none.conn.sndMss(), "RFC 9293 §3.7.1 default");
        }

        @Test
        void refusedConnectGetsRstAck() {
            h.listen();
            assertTrue(h.conn.onHostConnectFailed(-111, h.now));
            h.expect(RST | ACK, 0, IRS + 1);
            assertTrue(h.conn.isClosed());
        }

        @Test
        void unreachableHostLeavesTheAnswerToTheCaller() {
            h.listen();
            assertFalse(h.conn.onHostConnectFailed(-113, h.now));
            h.expectNothing();
            assertTrue(h.conn.isClosed());
        }

        @Test
        void retransmittedSynWhileConnectingIsIgnored() {
            h.listen();
            h.send(TcpHarness.guestSyn());
            h.expectNothing();
            assertEquals(TcpState.LISTEN, h.conn.state());
        }

        @Test
        void guestRstWhileConnectingAbortsTheHostConnect() {
            h.listen();
            h.send(GuestSeg.ack(IRS + 1, 0).withFlags(RST));
            assertTrue(h.conn.isClosed());
            assertTrue(h.host.aborted);
        }
    }

    @Nested
    class SynReceived {
        final TcpHarness h = new TcpHarness().synReceived();

        @Test
        void duplicateSynResendsSynAck() {
            h.send(TcpHarness.guestSyn());
            h.expect(SYN | ACK, ISS, IRS + 1);
            h.expectNothing();
        }

        @Test
        void ackCompletesTheHandshake() {
            h.send(GuestSeg.ack(IRS + 1, ISS + 1));
            assertEquals(TcpState.ESTABLISHED, h.conn.state());
            assertEquals(64 * 1024, h.conn.sndWnd(), "512 << 7");
            assertTrue(h.host.wantRead);
            assertEquals(Long.MAX_VALUE, h.conn.nextDeadlineNs());
        }

        @Test
        void ackWithDataCompletesTheHandshakeAndDeliversIt() {
            h.send(GuestSeg.ack(IRS + 1, ISS + 1).plus(PSH).withData(bytes(100, 3)));
            h.expectAck(ISS + 1, IRS + 101);
            assertArrayEquals(bytes(100, 3), h.host.toHost.takeAll());
        }

        @Test
        void synAckIsRetransmittedWithBackoff() {
            long start = h.now;
            assertEquals(start + 1000 * MS, h.fireNextTimer(), "initial RTO 1 s (RFC 6298 2.1)");
            h.expect(SYN | ACK, ISS, IRS + 1);
            assertEquals(start + 3000 * MS, h.fireNextTimer());
            h.expect(SYN | ACK, ISS, IRS + 1);
            assertEquals(start + 7000 * MS, h.fireNextTimer());
            h.expect(SYN | ACK, ISS, IRS + 1);
        }

        @Test
        void unacceptableAckGetsRst() {
            h.send(GuestSeg.ack(IRS + 1, ISS + 1000));
            h.expect(RST, ISS + 1000, 0);
            assertEquals(TcpState.SYN_RECEIVED, h.conn.state());
        }

        @Test
        void rstClosesTheHostSocket() {
            h.send(GuestSeg.ack(IRS + 1, 0).withFlags(RST));
            assertTrue(h.conn.isClosed());
            assertTrue(h.host.aborted);
        }

        @Test
        void givesUpAfterTheSynReceivedTimeout() {
            h.now += h.config.synReceivedTimeoutNs();
            h.conn.onTimer(h.now);
            assertTrue(h.conn.isClosed());
            h.expect(RST | ACK, ISS + 1, IRS + 1);
        }
    }

    @Nested
    class SynSent {
        final TcpHarness h = new TcpHarness();

        @Test
        void synCarriesOurOptions() {
            h.conn.openToGuest(ISS, h.now);
            Seg syn = h.expect(SYN, ISS, 0);
            assertEquals(1460, syn.mss());
            assertEquals(7, syn.windowScale());
            assertEquals(65535, syn.window());
        }

        @Test
        void synIsRetransmittedWithBackoff() {
            h.synSent();
            long start = h.now;
            assertEquals(start + 1000 * MS, h.fireNextTimer());
            h.expect(SYN, ISS, 0);
            assertEquals(start + 3000 * MS, h.fireNextTimer());
            h.expect(SYN, ISS, 0);
        }

        @Test
        void synAckEstablishesWithTheGuestsOptions() {
            h.synSent();
            h.send(GuestSeg.syn(IRS).withFlags(SYN | ACK).withAck(ISS + 1).withMss(1000).withWindowScale(2)
                    .withWindow(1000));
            h.expectAck(ISS + 1, IRS + 1);
            assertEquals(TcpState.ESTABLISHED, h.conn.state());
            assertEquals(1000, h.conn.sndMss());
            assertEquals(1000, h.conn.sndWnd(), "window of the SYN-ACK is not scaled");
            h.send(GuestSeg.ack(IRS + 1, ISS + 1).withWindow(1000));
            assertEquals(4000, h.conn.sndWnd(), "later windows are scaled by the guest's shift 2");
            assertTrue(h.host.wantRead);
        }

        @Test
        void noScalingWhenTheGuestDoesNotEchoIt() {
            h.synSent();
            h.send(GuestSeg.syn(IRS).withFlags(SYN | ACK).withAck(ISS + 1).withWindowScale(-1));
            assertEquals(65535, h.expectAck(ISS + 1, IRS + 1).window(), "our window is unscaled too");
        }

        @Test
        void rstFromGuestAbortsTheHostSocket() {
            h.synSent();
            h.send(GuestSeg.ack(0, ISS + 1).withFlags(RST | ACK));
            assertTrue(h.conn.isClosed());
            assertTrue(h.host.aborted);
        }

        @Test
        void rstWithUnacceptableAckIsIgnored() {
            h.synSent();
            h.send(GuestSeg.ack(0, ISS + 77).withFlags(RST | ACK));
            assertEquals(TcpState.SYN_SENT, h.conn.state());
            h.expectNothing();
        }

        @Test
        void ackForSomethingWeNeverSentGetsRst() {
            h.synSent();
            h.send(GuestSeg.syn(IRS).withFlags(SYN | ACK).withAck(ISS + 5));
            h.expect(RST, ISS + 5, 0);
            assertEquals(TcpState.SYN_SENT, h.conn.state());
        }

        @Test
        void givesUpAfterMaxRetransmissions() {
            TcpHarness few = new TcpHarness(TcpHarness.CONFIG.withMaxRetransmissions(2)).synSent();
            few.fireNextTimer();
            few.expect(SYN, ISS, 0);
            few.fireNextTimer();
            few.expect(SYN, ISS, 0);
            few.fireNextTimer();
            few.expect(RST, ISS + 1, 0);
            assertTrue(few.conn.isClosed());
            assertTrue(few.host.aborted);
        }
    }

    @Nested
    class Established {
        final TcpHarness h = new TcpHarness().established();

        @Test
        void silentGuestIsProbedAndResetWhenItNeverAnswers() {
            TcpHarness h = new TcpHarness(TcpHarness.CONFIG.withKeepaliveIdle(TcpConfig.DEFAULT_KEEPALIVE_IDLE_NS)).established();
            h.advanceMs(TcpConfig.DEFAULT_KEEPALIVE_IDLE_NS / MS - 1);
            h.expectNothing();
            h.advanceMs(1);
            h.expectAck(ISS, IRS + 1);                       // RFC 1122 §4.2.3.6: SND.UNA - 1
            for (int i = 1; i < TcpConfig.KEEPALIVE_PROBES; i++) {
                h.fireNextTimer();
                h.expectAck(ISS, IRS + 1);
            }
            h.fireNextTimer();
            h.expect(RST | ACK, ISS + 1, IRS + 1);
            assertTrue(h.conn.isClosed(), "the flow can be freed");
        }

        @Test
        void liveIdleGuestAnswersProbesAndKeepsItsConnection() {
            TcpHarness h = new TcpHarness(TcpHarness.CONFIG.withKeepaliveIdle(TcpConfig.DEFAULT_KEEPALIVE_IDLE_NS)).established();
            for (int round = 0; round < 3; round++) {
                h.fireNextTimer();
                h.expectAck(ISS, IRS + 1);
                h.send(GuestSeg.ack(IRS + 1, ISS + 1));      // the guest's answer to a probe
                h.expectNothing();
            }
            assertEquals(TcpState.ESTABLISHED, h.conn.state());
        }

        @Test
        void guestDataIsWrittenToTheHostAndAcked() {
            h.send(GuestSeg.ack(IRS + 1, ISS + 1).plus(PSH).withData(bytes(1000, 1)));
            Seg ack = h.expectAck(ISS + 1, IRS + 1001);
            assertEquals(512, ack.window(), "all 64 KiB free again: the host took everything");
            assertArrayEquals(bytes(1000, 1), h.host.toHost.takeAll());
            assertEquals(1000, h.conn.bytesFromGuest());
        }

        @Test
        void hostDataGoesOutInMssSegmentsWithPshOnTheLast() {
            byte[] data = bytes(4000, 9);
            h.hostSends(data);
            Seg a = h.expectAck(ISS + 1, IRS + 1);
            Seg b = h.expectAck(ISS + 1461, IRS + 1);
            Seg c = h.expect(ACK | PSH, ISS + 2921, IRS + 1);
            assertEquals(1460, a.length());
            assertEquals(1460, b.length());
            assertEquals(1080, c.length());
            assertArrayEquals(data, concat(a.data(), b.data(), c.data()));
            h.expectNothing();
            h.send(GuestSeg.ack(IRS + 1, ISS + 4001));
            assertEquals(4000, h.conn.bytesToGuest());
            assertEquals(Long.MAX_VALUE, h.conn.nextDeadlineNs(), "nothing outstanding");
        }

        @Test
        void sendingStopsAtTheGuestsWindow() {
            h.send(GuestSeg.ack(IRS + 1, ISS + 1).withWindow(16)); // 16 << 7 = 2048 bytes
            h.hostSends(bytes(5000, 2));
            h.expectAck(ISS + 1, IRS + 1);
            assertEquals(2048 - 1460, h.expect(ACK, ISS + 1461, IRS + 1).length());
            h.expectNothing();
            h.send(GuestSeg.ack(IRS + 1, ISS + 2049).withWindow(16));
            h.expectAck(ISS + 2049, IRS + 1);
            h.expectAck(ISS + 3509, IRS + 1);
            h.expectNothing();
        }

        @Test
        void outOfOrderSegmentIsHeldAndDupAcked() {
            byte[] first = bytes(500, 1);
            byte[] second = bytes(700, 2);
            h.send(GuestSeg.ack(IRS + 501, ISS + 1).withData(second));
            h.expectAck(ISS + 1, IRS + 1);
            assertEquals(0, h.host.toHost.size());
            h.send(GuestSeg.ack(IRS + 1, ISS + 1).withData(first));
            h.expectAck(ISS + 1, IRS + 1201);
            assertArrayEquals(concat(first, second), h.host.toHost.takeAll());
        }

        @Test
        void overlappingRetransmissionDeliversOnlyNewBytes() {
            byte[] all = bytes(2000, 4);
            h.send(GuestSeg.ack(IRS + 1, ISS + 1).withData(Arrays.copyOfRange(all, 0, 1200)));
            h.expectAck(ISS + 1, IRS + 1201);
            h.send(GuestSeg.ack(IRS + 801, ISS + 1).withData(Arrays.copyOfRange(all, 800, 2000)));
            h.expectAck(ISS + 1, IRS + 2001);
            assertArrayEquals(all, h.host.toHost.takeAll());
        }

        @Test
        void segmentBeyondTheWindowGetsAnAckAndIsDropped() {
            h.send(GuestSeg.ack(IRS + 1 + 70_000, ISS + 1).withData(bytes(100, 1)));
            h.expectAck(ISS + 1, IRS + 1);
            assertEquals(0, h.host.toHost.size());
            assertEquals(1, h.conn.droppedSegments());
        }

        @Test
        void oldDuplicateSegmentGetsAnAck() {
            h.send(GuestSeg.ack(IRS + 1, ISS + 1).withData(bytes(100, 1)));
            h.expectAck(ISS + 1, IRS + 101);
            h.send(GuestSeg.ack(IRS + 1, ISS + 1).withData(bytes(100, 1)));
            h.expectAck(ISS + 1, IRS + 101);
            assertEquals(100, h.host.toHost.size());
        }

        @Test
        void ackForUnsentDataGetsAnAckAndTheSegmentIsDropped() {
            h.send(GuestSeg.ack(IRS + 1, ISS + 100).withData(bytes(10, 1)));
            h.expectAck(ISS + 1, IRS + 1);
            assertEquals(0, h.host.toHost.size());
        }

        @Test
        void windowClosesWhenTheHostIsFullAndReopensWhenItDrains() {
            TcpHarness s = new TcpHarness(TcpHarness.CONFIG.withBuffers(64 * 1024, 8192).withWindowScale(0));
            s.established();
            s.host.writeChunk = 0; // the host socket takes nothing
            s.send(GuestSeg.ack(IRS + 1, ISS + 1).withData(bytes(4096, 1)));
            assertEquals(4096, s.expectAck(ISS + 1, IRS + 4097).window());
            assertTrue(s.host.wantWrite);
            s.send(GuestSeg.ack(IRS + 4097, ISS + 1).withData(bytes(4096, 2)));
            assertEquals(0, s.expectAck(ISS + 1, IRS + 8193).window());
            // a zero-window probe is answered, not accepted
            s.send(GuestSeg.ack(IRS + 8193, ISS + 1).withData(bytes(1, 3)));
            assertEquals(0, s.expectAck(ISS + 1, IRS + 8193).window());
            // the host takes a little: too little to announce (silly window avoidance)
            s.host.writeChunk = 100;
            s.conn.onHostWritable(s.now);
            s.expectNothing();
            // now it takes everything: window update
            s.host.writeChunk = Integer.MAX_VALUE;
            s.conn.onHostWritable(s.now);
            assertEquals(8192, s.expectAck(ISS + 1, IRS + 8193).window());
            assertFalse(s.host.wantWrite);
            byte[] got = s.host.toHost.takeAll();
            assertArrayEquals(concat(bytes(4096, 1), bytes(4096, 2)), got);
        }

        @Test
        void zeroWindowIsProbedWithBackoffUntilItOpens() {
            h.send(GuestSeg.ack(IRS + 1, ISS + 1).withWindow(0));
            h.hostSends(bytes(3000, 5));
            h.expectNothing();
            long start = h.now;
            assertEquals(start + 200 * MS, h.fireNextTimer(), "RTO from the handshake sample, clamped to 200 ms");
            Seg probe = h.expectAck(ISS + 1, IRS + 1);
            assertEquals(1, probe.length());
            h.send(GuestSeg.ack(IRS + 1, ISS + 1).withWindow(0)); // probe refused
            h.expectNothing();
            assertEquals(start + 600 * MS, h.fireNextTimer(), "backed off");
            assertEquals(1, h.expectAck(ISS + 1, IRS + 1).length());
            h.send(GuestSeg.ack(IRS + 1, ISS + 2).withWindow(GuestSeg.ack(0, 0).window())); // took it, opened
            Seg next = h.expectAck(ISS + 2, IRS + 1);
            assertEquals(1460, next.length());
            assertEquals(TcpState.ESTABLISHED, h.conn.state());
        }

        @Test
        void unackedDataIsRetransmittedAtRtoWithBackoff() {
            h.hostSends(bytes(100, 6));
            long sent = h.now;
            h.expect(ACK | PSH, ISS + 1, IRS + 1);
            assertEquals(sent + 200 * MS, h.fireNextTimer());
            h.expect(ACK | PSH, ISS + 1, IRS + 1);
            assertEquals(sent + 600 * MS, h.fireNextTimer());
            h.expect(ACK | PSH, ISS + 1, IRS + 1);
            assertEquals(sent + 1400 * MS, h.fireNextTimer());
            Seg again = h.expect(ACK | PSH, ISS + 1, IRS + 1);
            assertArrayEquals(bytes(100, 6), again.data());
            assertEquals(3, h.conn.retransmissions());
            h.send(GuestSeg.ack(IRS + 1, ISS + 101));
            assertEquals(Long.MAX_VALUE, h.conn.nextDeadlineNs());
        }

        @Test
        void timeoutGoesBackToTheOldestUnackedByte() {
            byte[] data = bytes(3000, 7);
            h.hostSends(data);
            h.sink.segments.clear();
            h.send(GuestSeg.ack(IRS + 1, ISS + 1461)); // first segment arrived, the others were lost
            h.fireNextTimer();
            Seg a = h.expectAck(ISS + 1461, IRS + 1);
            Seg b = h.expect(ACK | PSH, ISS + 2921, IRS + 1);
            assertArrayEquals(Arrays.copyOfRange(data, 1460, 3000), concat(a.data(), b.data()));
            h.send(GuestSeg.ack(IRS + 1, ISS + 3001));
            assertEquals(3000, h.conn.bytesToGuest());
        }

        @Test
        void threeDuplicateAcksTriggerFastRetransmit() {
            h.hostSends(bytes(5 * 1460, 8));
            h.sink.segments.clear();
            h.send(GuestSeg.ack(IRS + 1, ISS + 1461));
            h.send(GuestSeg.ack(IRS + 1, ISS + 1461));
            h.send(GuestSeg.ack(IRS + 1, ISS + 1461));
            h.expectNothing();
            h.send(GuestSeg.ack(IRS + 1, ISS + 1461));
            assertEquals(1460, h.expectAck(ISS + 1461, IRS + 1).length());
            h.expectNothing();
        }

        @Test
        void partialAckAfterFastRetransmitResendsTheNextHole() {
            h.hostSends(bytes(5 * 1460, 8));
            h.sink.segments.clear();
            for (int i = 0; i < 4; i++) h.send(GuestSeg.ack(IRS + 1, ISS + 1461)); // segment 2 lost
            h.expectAck(ISS + 1461, IRS + 1);
            h.send(GuestSeg.ack(IRS + 1, ISS + 1 + 3 * 1460)); // partial: segment 4 lost too
            assertEquals(1460, h.expectAck(ISS + 1 + 3 * 1460, IRS + 1).length());
            h.expectNothing();
            h.send(GuestSeg.ack(IRS + 1, ISS + 1 + 5 * 1460)); // everything
            h.expectNothing();
            assertEquals(Long.MAX_VALUE, h.conn.nextDeadlineNs());
        }

        @Test
        void tooManyRetransmissionsResetBothSides() {
            TcpHarness few = new TcpHarness(TcpHarness.CONFIG.withMaxRetransmissions(3)).established();
            few.hostSends(bytes(10, 1));
            few.sink.segments.clear();
            for (int i = 0; i < 3; i++) {
                few.fireNextTimer();
                few.expect(ACK | PSH, ISS + 1, IRS + 1);
            }
            few.fireNextTimer();
            few.expect(RST | ACK, ISS + 11, IRS + 1);
            assertTrue(few.conn.isClosed());
            assertTrue(few.host.aborted);
        }

        @Test
        void exactRstAbortsTheHostSocket() {
            h.send(GuestSeg.ack(IRS + 1, 0).withFlags(RST));
            h.expectNothing();
            assertTrue(h.conn.isClosed());
            assertTrue(h.host.aborted);
        }

        @Test
        void inWindowRstThatIsNotExactGetsAChallengeAck() {
            h.send(GuestSeg.ack(IRS + 100, 0).withFlags(RST));
            h.expectAck(ISS + 1, IRS + 1);
            assertEquals(TcpState.ESTABLISHED, h.conn.state());
        }

        @Test
        void inWindowSynGetsAChallengeAck() {
            h.send(GuestSeg.syn(IRS + 100));
            h.expectAck(ISS + 1, IRS + 1);
            assertEquals(TcpState.ESTABLISHED, h.conn.state());
        }

        @Test
        void hostResetBecomesRstToTheGuest() {
            h.host.readError = -104;
            h.conn.onHostReadable(h.now);
            h.expect(RST | ACK, ISS + 1, IRS + 1);
            assertTrue(h.conn.isClosed());
        }

        @Test
        void hostWriteErrorBecomesRstToTheGuest() {
            h.host.writeError = -32;
            h.send(GuestSeg.ack(IRS + 1, ISS + 1).withData(bytes(10, 1)));
            h.expect(RST | ACK, ISS + 1, IRS + 11);
            h.expectNothing();
            assertTrue(h.conn.isClosed());
        }

        @Test
        void fullSendBufferStopsHostReadsUntilTheGuestAcks() {
            TcpHarness s = new TcpHarness(TcpHarness.CONFIG.withBuffers(8192, 64 * 1024)).established();
            s.host.hostSends(bytes(20_000, 1));
            s.conn.onHostReadable(s.now);
            assertFalse(s.host.wantRead);
            assertEquals(20_000 - 8192, s.host.fromHost.size());
            s.send(GuestSeg.ack(IRS + 1, ISS + 1 + 4096));
            assertTrue(s.host.wantRead);
        }

        @Test
        void abortSendsRstAndAbortsTheHost() {
            h.conn.abort(h.now);
            h.expect(RST | ACK, ISS + 1, IRS + 1);
            assertTrue(h.conn.isClosed());
            assertTrue(h.host.aborted);
        }

        @Test
        void lostFramesToTheGuestAreRecoveredByTheTimer() {
            h.sink.linkFull = true;
            h.hostSends(bytes(100, 1));
            h.expectNothing();
            h.sink.linkFull = false;
            h.fireNextTimer();
            h.expect(ACK | PSH, ISS + 1, IRS + 1);
        }
    }

    @Nested
    class HostOpened {
        final TcpHarness h = new TcpHarness().establishedFromHost();

        @Test
        void dataFlowsBothWays() {
            h.hostSends(bytes(10, 1));
            assertArrayEquals(bytes(10, 1), h.expect(ACK | PSH, ISS + 1, IRS + 1).data());
            h.send(GuestSeg.ack(IRS + 1, ISS + 11).withData(bytes(20, 2)));
            h.expectAck(ISS + 11, IRS + 21);
            assertArrayEquals(bytes(20, 2), h.host.toHost.takeAll());
        }
    }

    @Nested
    class FinWait1 {
        final TcpHarness h = new TcpHarness().finWait1();

        @Test
        void finFollowsTheBufferedData() {
            TcpHarness d = new TcpHarness().established();
            d.host.hostSends(bytes(2000, 1));
            d.host.eof = true;
            d.conn.onHostReadable(d.now);
            d.expectAck(ISS + 1, IRS + 1);
            d.expect(ACK | PSH | FIN, ISS + 1461, IRS + 1);
            assertEquals(TcpState.FIN_WAIT_1, d.conn.state());
            assertFalse(d.host.wantRead);
        }

        @Test
        void guestMayStillSendAfterOurFin() {
            h.send(GuestSeg.ack(IRS + 1, ISS + 2).withData(bytes(300, 1)));
            h.expectAck(ISS + 2, IRS + 301);
            assertArrayEquals(bytes(300, 1), h.host.toHost.takeAll());
            assertEquals(TcpState.FIN_WAIT_2, h.conn.state());
        }

        @Test
        void lostFinIsRetransmitted() {
            h.fireNextTimer();
            h.expect(ACK | FIN, ISS + 1, IRS + 1);
        }
    }

    @Nested
    class FinWait2 {
        final TcpHarness h = new TcpHarness().finWait2();

        @Test
        void guestFinLeadsToTimeWaitAndClosesTheHost() {
            h.send(GuestSeg.ack(IRS + 1, ISS + 2).plus(FIN));
            h.expectAck(ISS + 2, IRS + 2);
            assertEquals(TcpState.TIME_WAIT, h.conn.state());
            assertTrue(h.host.outputShut);
            assertTrue(h.host.closed);
            assertFalse(h.host.aborted);
        }

        @Test
        void idleTimeoutIsRestartedByGuestSegments() {
            h.advanceMs(50_000);
            h.send(GuestSeg.ack(IRS + 1, ISS + 2).withData(bytes(10, 1)));
            h.expectAck(ISS + 2, IRS + 11);
            h.advanceMs(50_000);
            assertEquals(TcpState.FIN_WAIT_2, h.conn.state());
            h.advanceMs(10_000);
            h.expect(RST | ACK, ISS + 2, IRS + 11);
            assertTrue(h.conn.isClosed());
        }
    }

    @Nested
    class CloseWait {
        final TcpHarness h = new TcpHarness().closeWait();

        @Test
        void hostMayStillSendAfterTheGuestsFin() {
            h.hostSends(bytes(100, 1));
            assertArrayEquals(bytes(100, 1), h.expect(ACK | PSH, ISS + 1, IRS + 2).data());
            h.send(GuestSeg.ack(IRS + 2, ISS + 101));
            assertEquals(100, h.conn.bytesToGuest());
        }

        @Test
        void textAfterTheGuestsFinIsIgnored() {
            h.send(GuestSeg.ack(IRS + 2, ISS + 1).withData(bytes(5, 1)));
            h.expectNothing(); // RFC 9293 §3.10.7.4 seventh: "ignore the segment text"
            assertEquals(0, h.host.toHost.size());
        }

        @Test
        void guestFinWaitsForItsDataToReachTheHost() {
            TcpHarness s = new TcpHarness().established();
            s.host.writeChunk = 0;
            s.send(GuestSeg.ack(IRS + 1, ISS + 1).plus(FIN).withData(bytes(50, 1)));
            s.expectAck(ISS + 1, IRS + 52);
            assertEquals(TcpState.CLOSE_WAIT, s.conn.state());
            assertFalse(s.host.outputShut);
            s.host.writeChunk = Integer.MAX_VALUE;
            s.conn.onHostWritable(s.now);
            assertTrue(s.host.outputShut);
            assertArrayEquals(bytes(50, 1), s.host.toHost.takeAll());
        }

        @Test
        void retransmittedGuestFinIsAckedAgain() {
            h.send(GuestSeg.ack(IRS + 1, ISS + 1).plus(FIN));
            h.expectAck(ISS + 1, IRS + 2);
            assertEquals(TcpState.CLOSE_WAIT, h.conn.state());
        }
    }

    @Nested
    class LastAck {
        final TcpHarness h = new TcpHarness().lastAck();

        @Test
        void ackOfOurFinClosesEverything() {
            h.send(GuestSeg.ack(IRS + 2, ISS + 2));
            h.expectNothing();
            assertTrue(h.conn.isClosed());
            assertFalse(h.host.aborted);
        }

        @Test
        void closedConnectionAnswersWithRst() {
            h.send(GuestSeg.ack(IRS + 2, ISS + 2));
            h.send(GuestSeg.ack(IRS + 2, ISS + 2).withData(bytes(3, 1)));
            h.expect(RST, ISS + 2, 0);
        }
    }

    @Nested
    class Closing {
        final TcpHarness h = new TcpHarness().closing();

        @Test
        void ackOfOurFinLeadsToTimeWait() {
            h.send(GuestSeg.ack(IRS + 2, ISS + 2));
            assertEquals(TcpState.TIME_WAIT, h.conn.state());
            assertTrue(h.host.closed);
        }
    }

    @Nested
    class TimeWait {
        final TcpHarness h = new TcpHarness().timeWait();

        @Test
        void expiresIntoClosed() {
            assertEquals(h.now + h.config.timeWaitNs(), h.conn.nextDeadlineNs());
            h.fireNextTimer();
            assertTrue(h.conn.isClosed());
            h.expectNothing();
        }

        @Test
        void buffersAreReleasedOnEnteringTimeWaitNotWhenTheFlowIsFreed() {
            // Under churn thousands of flows sit in TIME-WAIT: they must not hold their rings.
            TcpHarness d = new TcpHarness().established();
            d.hostSends(TcpHarness.bytes(1000, 1));
            d.sink.segments.clear();
            d.send(GuestSeg.ack(IRS + 1, ISS + 1001));
            assertTrue(d.conn.bufferBytesAllocated() > 0, "the send ring was allocated");
            d.hostEof();
            d.expect(FIN | ACK, ISS + 1001, IRS + 1);
            d.send(GuestSeg.ack(IRS + 1, ISS + 1002));
            d.send(GuestSeg.ack(IRS + 1, ISS + 1002).plus(FIN));
            assertEquals(TcpState.TIME_WAIT, d.conn.state());
            assertEquals(0, d.conn.bufferBytesAllocated());
        }

        @Test
        void retransmittedFinIsAckedAndRestartsTheTimer() {
            h.advanceMs(500);
            h.send(GuestSeg.ack(IRS + 1, ISS + 2).plus(FIN));
            h.expectAck(ISS + 2, IRS + 2);
            assertEquals(h.now + h.config.timeWaitNs(), h.conn.nextDeadlineNs());
        }
    }

    @Nested
    class SequenceWrap {
        @Test
        void dataCrossesTwoToTheThirtyTwo() {
            TcpHarness h = new TcpHarness();
            h.iss = 0xFFFF_FC00;
            h.irs = 0xFFFF_FE00;
            h.established();
            byte[] up = bytes(3000, 1);
            byte[] down = bytes(3000, 2);
            for (int off = 0; off < up.length; off += 1000) {
                h.send(GuestSeg.ack(h.irs + 1 + off, h.iss + 1).withData(Arrays.copyOfRange(up, off, off + 1000)));
                h.expectAck(h.iss + 1, h.irs + 1 + off + 1000);
            }
            assertArrayEquals(up, h.host.toHost.takeAll());
            h.hostSends(down);
            Seg a = h.expectAck(h.iss + 1, h.irs + 3001);
            Seg b = h.expectAck(h.iss + 1461, h.irs + 3001);
            Seg c = h.expect(ACK | PSH, h.iss + 2921, h.irs + 3001);
            assertArrayEquals(down, concat(a.data(), b.data(), c.data()));
            h.send(GuestSeg.ack(h.irs + 3001, h.iss + 3001));
            assertEquals(3000, h.conn.bytesToGuest());
            assertEquals(Long.MAX_VALUE, h.conn.nextDeadlineNs());
        }
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] all = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, o, p.length);
            o += p.length;
        }
        return all;
    }
}
